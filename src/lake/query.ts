// Runs DuckDB SQL over the lake's tables and returns plain rows (numbers, strings, booleans, nulls).
import type { DuckDBConnection } from '@duckdb/node-api';
import { lit, openDb } from '../util/db.js';
import { QueryError, errorMessage } from '../util/errors.js';
import { attachLake } from './views.js';
import { dataPaths } from './paths.js';

export interface QueryResult {
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
}

/** A DuckDB value as plain JSON-able data. */
export function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(plain);
  const o = v as { items?: unknown[]; entries?: Record<string, unknown>; toString(): string };
  if (Array.isArray(o.items)) return o.items.map(plain);
  if (o.entries && typeof o.entries === 'object') return Object.fromEntries(Object.entries(o.entries).map(([k, x]) => [k, plain(x)]));
  return o.toString();
}

export async function queryConn(conn: DuckDBConnection, sql: string): Promise<QueryResult> {
  try {
    const reader = await conn.runAndReadAll(sql);
    const columns = reader.columnNames();
    const rows = reader.getRows().map((r) => Object.fromEntries(columns.map((c, i) => [c, plain(r[i])])));
    return { columns, rows };
  } catch (err) {
    const msg = errorMessage(err);
    const hint = /does not exist|not found/i.test(msg) ? 'tables: listens, tracks, other_plays, play_counts, artists, artist_tags, rejects, imports (see `earshot tables`)' : undefined;
    throw new QueryError(msg, hint ? { hint, cause: err } : { cause: err });
  }
}

/** Opens the lake in an in-memory DuckDB, runs `sql`, closes. */
export async function queryLake(dataDir: string, sql: string): Promise<QueryResult> {
  const db = await openDb();
  try {
    await attachLake(db.conn, dataPaths(dataDir));
    return await queryConn(db.conn, sql);
  } finally {
    db.close();
  }
}

/**
 * Runs a query over the lake and has DuckDB write the result as CSV straight to `target` (e.g.
 * /dev/stdout): no per-value conversion in JavaScript, which for large results costs more than the
 * query. Returns false (and writes nothing) when the SQL cannot be wrapped in COPY (e.g. DESCRIBE).
 */
export async function queryLakeCsv(dataDir: string, sql: string, target: string): Promise<boolean> {
  const db = await openDb();
  try {
    await attachLake(db.conn, dataPaths(dataDir));
    const body = sql.trim().replace(/;+\s*$/, '');
    if (!/^(select|with|from|values|table)\b/i.test(body)) return false;
    try {
      await db.conn.run(`COPY (${body}) TO ${lit(target)} (FORMAT csv, HEADER)`);
      return true;
    } catch (err) {
      // stdout may be a socket (a parent process's pipe) that cannot be opened by path: print in JS.
      if (/Cannot open file/i.test(errorMessage(err))) return false;
      // Otherwise the same error as the plain path gives, with its hint.
      await queryConn(db.conn, sql);
      throw err;
    }
  } finally {
    db.close();
  }
}
