// A group commit whose bodies fast-stage.ts read whole (the common case: clean NDJSON and ListenBrainz
// payloads). Duplicates are found in memory (IdSet, listen ids hashed here as SQL's listenIdSql does),
// and the new listens go straight into the ingest file's `pending` table by appender, in a transaction
// whose COMMIT (DuckDB syncs its write-ahead log) runs off the event loop: requests arriving meanwhile
// form the next group. (An appender flush outside a transaction commits too, but synchronously: the
// event loop would stall on every sync and each group would be one request.) The SQL path's staging
// table, id query and anti-join cost ~20 ms a commit whatever its size (planning, and a round trip
// through a busy event loop per statement); this path costs one round trip, which is what lets many
// small submit-listens requests through. Ids of pending listens are not written elsewhere: on start the
// server reads them from `pending` itself, and a flush moves them to `seen`. Bodies with anything
// unusual still take the SQL path (ingestor.ts), whose rejects name the problem.
import { DuckDBDataChunk, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { listenIdHex } from '../../model/keys.js';
import { LISTEN_COLUMNS } from '../../model/schema.js';
import { FAST_COLUMNS, fastValue, type FastRows, type FastValue } from './fast-stage.js';
import { IdSet } from './id-set.js';
import { allNull, CHUNK, DUCK, fillVector, type Vec } from './vectors.js';

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

/**
 * The `pending` table's columns in order, as ingestSchema (src/serve/db.ts) creates them: `j` is the
 * column's place in a fast-stage.ts row (-1 for those this module fills: seq, listen_id, source, origin,
 * ingested_at).
 */
const PENDING_LAYOUT = [{ name: 'seq', type: 'BIGINT' }, ...LISTEN_COLUMNS].map((c) => ({ name: c.name, type: c.type, j: FAST_COLUMNS.findIndex((f) => f.name === c.name) }));
const PENDING_TYPES = PENDING_LAYOUT.map((c) => DUCK[c.type]!);

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
  try {
    for (let off = 0; off < acc.n; off += CHUNK) {
      const m = Math.min(CHUNK, acc.n - off);
      const chunk = DuckDBDataChunk.create(PENDING_TYPES, m);
      const item = (i: number) => items[acc.item[off + i]!]!;
      for (const [ci, c] of cols.entries()) {
        const vec = chunk.getColumnVector(ci) as unknown as Vec;
        if (c.empty) allNull(vec, m);
        else fillVector(vec, c.type, m, columnValue(c, off, item, acc, firstSeq, ingestedAtMs));
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

/** Value i of a chunk (rows from `off`) in pending column `c`, chosen once per column. */
function columnValue(
  c: (typeof PENDING_LAYOUT)[number],
  off: number,
  item: (i: number) => FastGroupItem,
  acc: Accepted,
  firstSeq: number,
  ingestedAtMs: number,
): (i: number) => FastValue {
  switch (c.name) {
    case 'seq':
      return (i) => firstSeq + off + i;
    case 'ingested_at':
      return () => ingestedAtMs;
    case 'listen_id':
      return (i) => acc.id[off + i]!;
    case 'source':
    case 'origin': {
      const name = c.name;
      return (i) => item(i)[name];
    }
    default:
      return (i) => fastValue(item(i).rows, c.j, acc.row[off + i]!);
  }
}
