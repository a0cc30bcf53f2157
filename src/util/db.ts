// Opens DuckDB the way earshot always wants it: UTC session time zone, nothing fetched from the
// network (parquet, json and icu are built into @duckdb/node-api), and small helpers for SQL text.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export interface Db {
  readonly instance: DuckDBInstance;
  readonly conn: DuckDBConnection;
  close(): void;
}

export interface OpenDbOptions {
  path?: string;
  threads?: number;
  memoryLimit?: string;
}

export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'true',
  };
  if (opts.threads) config['threads'] = String(opts.threads);
  if (opts.memoryLimit) config['memory_limit'] = opts.memoryLimit;
  const instance = await DuckDBInstance.create(opts.path ?? ':memory:', config);
  const conn = await instance.connect();
  await conn.run(`SET TimeZone='UTC'`);
  return {
    instance,
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** A SQL string literal. */
export function lit(s: string): string {
  const quote = (x: string): string => `'${x.replaceAll("'", "''")}'`;
  // DuckDB's parser ends a quoted string at a NUL character (a parser error, not the value): spell NUL as chr(0).
  return s.includes('\0') ? `(${s.split('\0').map(quote).join(' || chr(0) || ')})` : quote(s);
}

/** A SQL identifier. */
export function ident(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** Runs SQL and returns rows as plain objects (BigInts for BIGINT columns). */
export async function all(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjects() as Record<string, unknown>[];
}

/** Runs SQL and returns rows as JSON-friendly objects (numbers, strings, ISO times). */
export async function allJson(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** Runs `work` in one transaction on `conn`: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    const out = await work();
    await conn.run('COMMIT');
    return out;
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function scalar<T = unknown>(conn: DuckDBConnection, sql: string): Promise<T> {
  const rows = (await conn.runAndReadAll(sql)).getRows();
  return rows[0]?.[0] as T;
}
