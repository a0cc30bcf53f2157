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
import bindings, { type Vector } from '@duckdb/node-bindings';
import { listenIdHex } from '../../model/keys.js';
import { LISTEN_COLUMNS } from '../../model/schema.js';
import { FAST_COLUMNS, fastValue, type FastRows, type FastValue } from './fast-stage.js';
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
      const d = listenIdHex(users[r] as string, ats[r] as number, keys[r] as string);
      const h = parseInt(d.slice(0, 8), 16);
      const l = parseInt(d.slice(8, 16), 16);
      if (seen.has(h, l) || !inGroup.add(h, l)) {
        perItem[x]!.duplicates++;
        continue;
      }
      perItem[x]!.accepted++;
      item[n] = x;
      row[n] = r;
      hi[n] = h;
      lo[n] = l;
      id.push(d.slice(0, 16));
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
  /** The native vector. */
  readonly vector: Vector;
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

/** Whether the writer connection is inside the transaction the next group appends in. */
export interface WriterTx {
  open: boolean;
}

/**
 * Appends the accepted listens to ingest.pending (`pending`, an appender on it, of `conn`), sequence
 * numbers from `firstSeq`, in one transaction: all of them are durable when this resolves, or none.
 *
 * The transaction is begun by the statement that commits the group before (`COMMIT; BEGIN TRANSACTION`,
 * one round trip): a BEGIN of its own waited ~5 ms for a busy event loop to come back to it, as long as
 * the append itself, and single-listen submissions wait for their group. Whoever else uses `conn` ends
 * the open transaction first (Ingestor.endTx).
 */
export async function appendAccepted(conn: DuckDBConnection, pending: DuckDBAppender, items: readonly FastGroupItem[], acc: Accepted, firstSeq: number, ingestedAtMs: number, tx: WriterTx): Promise<void> {
  if (!tx.open) {
    await conn.run('BEGIN TRANSACTION');
    tx.open = true;
  }
  try {
    appendRows(pending, items, acc, firstSeq, ingestedAtMs);
    // A BEGIN cannot fail after its COMMIT succeeded short of a broken database, which fails the server anyway.
    await conn.run('COMMIT; BEGIN TRANSACTION');
  } catch (err) {
    tx.open = false;
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function appendRows(pending: DuckDBAppender, items: readonly FastGroupItem[], acc: Accepted, firstSeq: number, ingestedAtMs: number): void {
  // A listen column no row of the group has is NULL throughout.
  const cols = PENDING_LAYOUT.map((c) => ({ ...c, empty: c.j >= 0 && !items.some((it) => it.rows.cols[c.j] !== null) }));
  const vals: FastValue[] = new Array<FastValue>(CHUNK);
  try {
    for (let off = 0; off < acc.n; off += CHUNK) {
      const m = Math.min(CHUNK, acc.n - off);
      const chunk = DuckDBDataChunk.create(PENDING_TYPES, m);
      for (const [ci, c] of cols.entries()) {
        const vec = chunk.getColumnVector(ci) as unknown as Vec;
        if (c.empty) {
          allNull(vec, m);
          vec.flush();
          continue;
        }
        for (let i = 0; i < m; i++) {
          const k = off + i;
          const it = items[acc.item[k]!]!;
          vals[i] =
            c.name === 'seq' ? firstSeq + k
            : c.name === 'ingested_at' ? ingestedAtMs
            : c.name === 'listen_id' ? acc.id[k]!
            : c.name === 'source' || c.name === 'origin' ? it[c.name]
            : fastValue(it.rows, c.j, acc.row[k]!);
        }
        if (c.type === 'VARCHAR') {
          // One value throughout (a group's source, origin, action): a constant vector, one call.
          const v0 = vals[0];
          let same = v0 !== null;
          for (let i = 1; same && i < m; i++) same = vals[i] === v0;
          if (same) {
            bindings.vector_reference_value(vec.vector, bindings.create_varchar(v0 as string));
            continue;
          }
          for (let i = 0; i < m; i++) {
            const v = vals[i]!;
            if (v === null) vec.setItem(i, null);
            else bindings.vector_assign_string_element(vec.vector, i, v as string);
          }
        } else if (c.type === 'BIGINT' || c.type === 'TIMESTAMPTZ') {
          const words = int64Words(vec);
          const scale = c.type === 'TIMESTAMPTZ' ? 1000 : 1;
          for (let i = 0; i < m; i++) {
            const v = vals[i]!;
            if (v === null) vec.setItem(i, null);
            else setInt64(words, i, (v as number) * scale);
          }
        } else {
          for (let i = 0; i < m; i++) vec.setItem(i, vals[i]!);
        }
        vec.flush();
      }
      pending.appendDataChunk(chunk);
    }
    pending.flushSync();
  } catch (err) {
    // Nothing half-appended may ride along with the next group's flush.
    pending.clear();
    throw err;
  }
}

/** A 64-bit vector's items as 32-bit words (written without making a BigInt per value). */
function int64Words(vec: Vec): Uint32Array {
  const a = vec.items!;
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

/** Item i of a 64-bit vector (little-endian words) set to the safe integer v. */
function setInt64(words: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  words[2 * i] = v - hi * 4294967296;
  words[2 * i + 1] = hi >>> 0;
}
