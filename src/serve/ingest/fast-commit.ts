// A group commit whose bodies fast-stage.ts read whole (the common case: clean NDJSON and ListenBrainz
// payloads). Duplicates are found in memory (IdSet, listen ids hashed here as SQL's listenIdSql does),
// and the new listens go straight into the ingest file's `pending` table by appender, in a transaction
// whose COMMIT (DuckDB syncs its write-ahead log) runs off the event loop: requests arriving meanwhile
// form the next group. (An appender flush outside a transaction commits too, but synchronously: the
// event loop would stall on every sync and each group would be one request.) The SQL path's staging
// table, id query and anti-join cost ~20 ms a commit whatever its size (planning, and a round trip
// through a busy event loop per statement); this path costs two round trips, which is what lets many
// small submit-listens requests through. Ids of pending listens are not written elsewhere: on start the
// server reads them from `pending` itself, and a flush moves them to `seen`. Bodies with anything
// unusual still take the SQL path (ingestor.ts), whose rejects name the problem.
import { BIGINT, BOOLEAN, DuckDBDataChunk, INTEGER, TIMESTAMPTZ, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { inTransaction } from '../../util/db.js';
import { listenIdDigest } from '../../model/keys.js';
import { LISTEN_COLUMNS } from '../../model/schema.js';
import { FAST_COLUMNS, type FastRows } from './fast-stage.js';
import { IdSet } from './id-set.js';

export interface FastGroupItem {
  readonly rows: FastRows;
  readonly source: string;
  readonly origin: string;
}

/** The new listens of a group, in order (item, then row), with their ids. */
export interface Accepted {
  readonly n: number;
  readonly item: Int32Array;
  readonly row: Int32Array;
  readonly id: string[];
  /** The ids as 64-bit numbers, halves: hi[k], lo[k]. */
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  /** Accepted and duplicate counts per item. */
  readonly perItem: { accepted: number; duplicates: number }[];
}

const J_USER = FAST_COLUMNS.findIndex((c) => c.name === 'user_id');
const J_AT = FAST_COLUMNS.findIndex((c) => c.name === 'listened_at');
const J_KEY = FAST_COLUMNS.findIndex((c) => c.name === 'track_key');

/** Picks each item's new listens: the first of a listen_id within the group, and none already stored. */
export function dedupe(items: readonly FastGroupItem[], seen: IdSet): Accepted {
  const total = items.reduce((a, it) => a + it.rows.n, 0);
  const item = new Int32Array(total);
  const row = new Int32Array(total);
  const hi = new Uint32Array(total);
  const lo = new Uint32Array(total);
  const id: string[] = [];
  const inGroup = new IdSet(total);
  const perItem = items.map(() => ({ accepted: 0, duplicates: 0 }));
  let n = 0;
  items.forEach((it, x) => {
    const users = it.rows.cols[J_USER]!;
    const ats = it.rows.cols[J_AT]!;
    const keys = it.rows.cols[J_KEY]!;
    for (let r = 0; r < it.rows.n; r++) {
      const d = listenIdDigest(users[r] as string, ats[r] as number, keys[r] as string);
      const h = d.readUInt32BE(0);
      const l = d.readUInt32BE(4);
      if (seen.has(h, l) || !inGroup.add(h, l)) {
        perItem[x]!.duplicates++;
        continue;
      }
      perItem[x]!.accepted++;
      item[n] = x;
      row[n] = r;
      hi[n] = h;
      lo[n] = l;
      id.push(d.toString('hex', 0, 8));
      n++;
    }
  });
  return { n, item, row, id, hi, lo, perItem };
}

const DUCK: Record<string, DuckDBType> = { VARCHAR, BIGINT, BOOLEAN, TIMESTAMPTZ, INTEGER };

/**
 * The `pending` table's columns in order, as ingestSchema (src/serve/db.ts) creates them: `j` is the
 * column's place in a fast-stage.ts row (-1 for those this module fills: seq, listen_id, source, origin,
 * ingested_at).
 */
const PENDING_LAYOUT = [{ name: 'seq', type: 'BIGINT' }, ...LISTEN_COLUMNS].map((c) => ({ name: c.name, type: c.type, j: FAST_COLUMNS.findIndex((f) => f.name === c.name) }));
const PENDING_TYPES = PENDING_LAYOUT.map((c) => DUCK[c.type]!);
const CHUNK = 2048;

/** A fresh chunk's vector, as the package builds it: typed items for numbers and times, setItem for the rest. */
interface Vec {
  readonly items?: BigInt64Array | BigUint64Array;
  readonly validity?: { data: BigUint64Array | null };
  setItem(i: number, v: DuckDBValue): void;
  flush(): void;
}

/** Marks every item of a fresh vector NULL: one bitmask fill, not a call per row. */
function allNull(vec: Vec, m: number): void {
  vec.setItem(0, null);
  const bits = vec.validity?.data;
  if (bits instanceof BigUint64Array) bits.fill(0n);
  else for (let i = 1; i < m; i++) vec.setItem(i, null);
}

/**
 * Appends the accepted listens to ingest.pending (`pending`, an appender on it, of `conn`), sequence
 * numbers from `firstSeq`, in one transaction: all of them are durable when this resolves, or none.
 */
export async function appendAccepted(conn: DuckDBConnection, pending: DuckDBAppender, items: readonly FastGroupItem[], acc: Accepted, firstSeq: number, ingestedAtMs: number): Promise<void> {
  await inTransaction(conn, async () => appendRows(pending, items, acc, firstSeq, ingestedAtMs));
}

function appendRows(pending: DuckDBAppender, items: readonly FastGroupItem[], acc: Accepted, firstSeq: number, ingestedAtMs: number): void {
  // A listen column no row of the group has is NULL throughout.
  const cols = PENDING_LAYOUT.map((c) => ({ ...c, empty: c.j >= 0 && !items.some((it) => it.rows.cols[c.j]!.some((v) => v !== null)) }));
  const atMicros = BigInt(ingestedAtMs) * 1000n;
  try {
    for (let off = 0; off < acc.n; off += CHUNK) {
      const m = Math.min(CHUNK, acc.n - off);
      const chunk = DuckDBDataChunk.create(PENDING_TYPES, m);
      cols.forEach((c, ci) => {
        const vec = chunk.getColumnVector(ci) as unknown as Vec;
        if (c.empty) allNull(vec, m);
        else if (c.name === 'seq') for (let i = 0; i < m; i++) (vec.items as BigInt64Array)[i] = BigInt(firstSeq + off + i);
        else if (c.name === 'ingested_at') (vec.items as BigInt64Array).fill(atMicros);
        else if (c.name === 'listen_id') for (let i = 0; i < m; i++) vec.setItem(i, acc.id[off + i]!);
        else if (c.name === 'source' || c.name === 'origin') for (let i = 0; i < m; i++) vec.setItem(i, items[acc.item[off + i]!]![c.name]);
        else {
          for (let i = 0; i < m; i++) {
            const v = items[acc.item[off + i]!]!.rows.cols[c.j]![acc.row[off + i]!]!;
            if (v === null) vec.setItem(i, null);
            else if (c.type === 'TIMESTAMPTZ') (vec.items as BigInt64Array)[i] = BigInt(v as number) * 1000n;
            else if (c.type === 'BIGINT') (vec.items as BigInt64Array)[i] = BigInt(v as number);
            else vec.setItem(i, v);
          }
        }
        vec.flush();
      });
      pending.appendDataChunk(chunk);
    }
    pending.flushSync();
  } catch (err) {
    // Nothing half-appended may ride along with the next group's flush.
    pending.clear();
    throw err;
  }
}
