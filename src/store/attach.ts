// Attaching a store's DuckDB file to a working connection, shared by the report store and the views
// store: DuckDB lets one process hold a file at a time, so a lock held by another process is turned
// into the store's own retriable "busy" error and retried with backoff.
import { randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { lit } from '../util/db.js';
import { errorMessage } from '../util/errors.js';
import { retry, type RetryOptions } from '../util/retry.js';

/** Attaches `path` under a fresh alias starting with `prefix` and returns the alias. */
export async function attachStoreFile(
  conn: DuckDBConnection,
  path: string,
  prefix: string,
  mode: 'read' | 'write',
  busy: (cause: unknown) => Error,
  opts: RetryOptions,
): Promise<string> {
  const alias = `${prefix}_${randomBytes(4).toString('hex')}`;
  await retry(async () => {
    try {
      await conn.run(`ATTACH ${lit(path)} AS ${alias}${mode === 'read' ? ' (READ_ONLY)' : ''}`);
    } catch (err) {
      if (/lock/i.test(errorMessage(err))) throw busy(err);
      throw err;
    }
  }, opts);
  return alias;
}
