// Reading DuckDB results into listen batches without a JS value per cell: a streamed result's chunks
// expose each numeric column as a typed array, copied whole into the batch. Strings are read only where
// needed (dictionary building, the last listen_id of a batch).
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { allocBatch, type ListenBatch } from '../types.js';

/** A numeric column of a chunk as the typed array @duckdb/node-api reads it into. */
export function numericColumn(chunk: DuckDBDataChunk, i: number): Int32Array | Float64Array {
  const v = chunk.getColumnVector(i) as unknown as { items?: unknown };
  if (v.items instanceof Int32Array || v.items instanceof Float64Array) return v.items;
  throw new Error(`column ${i} is not an INTEGER or DOUBLE vector`);
}

/** Every row of a query as arrays of strings/numbers (for small results: dictionaries). */
export async function* streamRows(conn: DuckDBConnection, sql: string): AsyncGenerator<(string | number | null)[]> {
  const res = await conn.stream(sql);
  for (;;) {
    const chunk = await res.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    const cols = Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnVector(i));
    for (let r = 0; r < chunk.rowCount; r++) yield cols.map((c) => {
      const v = c.getItem(r);
      return v === null ? null : typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : String(v);
    });
  }
}

/**
 * The columns a listen query must return, in this order: user id, track id, artist id (INTEGER),
 * ts (DOUBLE epoch ms), ms_played (INTEGER, -1 unknown), action code (INTEGER), then any extra columns.
 */
export const LISTEN_QUERY_COLUMNS = 6;

/** Accumulates chunks of a listen query into batches of about `rows` listens. */
export class BatchBuilder {
  private cols = allocBatch(0);
  private n = 0;

  constructor(private readonly rows: number) {
    this.cols = allocBatch(rows);
  }

  get size(): number {
    return this.n;
  }

  /** Appends a chunk (it must fit: call take() when full). Returns the rows added. */
  addChunk(chunk: DuckDBDataChunk): number {
    const m = chunk.rowCount;
    if (this.n + m > this.cols.user.length) {
      const bigger = allocBatch(Math.max(this.n + m, this.cols.user.length * 2));
      for (const k of Object.keys(bigger) as (keyof typeof bigger)[]) (bigger[k] as Int32Array).set(this.cols[k].subarray(0, this.n) as Int32Array);
      this.cols = bigger;
    }
    const o = this.n;
    this.cols.user.set(numericColumn(chunk, 0) as Int32Array, o);
    this.cols.track.set(numericColumn(chunk, 1) as Int32Array, o);
    this.cols.artist.set(numericColumn(chunk, 2) as Int32Array, o);
    this.cols.ts.set(numericColumn(chunk, 3) as Float64Array, o);
    this.cols.ms.set(numericColumn(chunk, 4) as Int32Array, o);
    this.cols.action.set(numericColumn(chunk, 5) as Int32Array, o);
    this.n += m;
    return m;
  }

  get full(): boolean {
    return this.n >= this.rows;
  }

  /** The batch so far (its own arrays); the builder starts a new one. */
  take(): ListenBatch {
    const c = this.cols;
    const n = this.n;
    const b: ListenBatch = { n, user: c.user.subarray(0, n), track: c.track.subarray(0, n), artist: c.artist.subarray(0, n), ts: c.ts.subarray(0, n), ms: c.ms.subarray(0, n), action: c.action.subarray(0, n) };
    this.cols = allocBatch(this.rows);
    this.n = 0;
    return b;
  }
}

/** SQL for the action code column. */
export const ACTION_CODE_SQL = (col: string): string =>
  `CAST(CASE ${col} WHEN 'play' THEN 0 WHEN 'pause' THEN 1 WHEN 'skip' THEN 2 WHEN 'complete' THEN 3 ELSE 4 END AS INTEGER)`;
