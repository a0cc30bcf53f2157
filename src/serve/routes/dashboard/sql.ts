// POST /v1/sql (admin): the dashboard's SQL console. The statement is checked by sql-guard.ts, then run
// in a READ ONLY transaction on a pooled connection with a row cap and a timeout (the connection is
// interrupted), so a console query can neither write nor hold a reader for long.
import type { RoutePlugin } from '../../context.js';
import { requireAdmin } from '../../auth.js';
import { HttpError } from '../../http-error.js';
import { plain } from '../../../lake/query.js';
import { errorMessage } from '../../../util/errors.js';
import { checkReadOnly } from './sql-guard.js';

export const SQL_ROW_CAP = 10_000;
export const SQL_TIMEOUT_MS = 10_000;

export interface SqlResult {
  columns: string[];
  types: string[];
  rows: unknown[][];
  truncated: boolean;
  ms: number;
}

export const sqlRoutes: RoutePlugin = (app, ctx) => {
  app.post<{ Body: { sql: string } }>(
    '/v1/sql',
    {
      schema: {
        summary: 'Read-only SQL over the lake (admin)',
        description: `One SELECT / WITH / FROM / VALUES / DESCRIBE / SHOW / SUMMARIZE / EXPLAIN statement over the lake's tables, at most ${SQL_ROW_CAP.toLocaleString('en-US')} rows (truncated says when there were more) and ${SQL_TIMEOUT_MS / 1000} s. 400 names why a statement is refused (writes, files, several statements) or why DuckDB failed. Sample: {"columns":["plays"],"types":["BIGINT"],"rows":[[300000]],"truncated":false,"ms":12}.`,
        tags: ['dashboard'],
        body: { type: 'object', properties: { sql: { type: 'string', minLength: 1, maxLength: 100_000 } }, required: ['sql'] },
        response: {
          200: {
            type: 'object',
            properties: {
              columns: { type: 'array', items: { type: 'string' } },
              types: { type: 'array', items: { type: 'string' } },
              rows: { type: 'array', items: { type: 'array' } },
              truncated: { type: 'boolean' },
              ms: { type: 'number' },
            },
          },
        },
      },
    },
    async (req): Promise<SqlResult> => {
      requireAdmin(req, ctx.users);
      return runConsoleSql(ctx.db, req.body.sql);
    },
  );
};

/** Checks and runs console SQL (also used to validate a query saved as a report). */
export async function runConsoleSql(db: { read<T>(w: (c: import('@duckdb/node-api').DuckDBConnection) => Promise<T>): Promise<T> }, sql: string, cap = SQL_ROW_CAP): Promise<SqlResult> {
  return db.read(async (conn) => {
    const verdict = await checkReadOnly(conn, sql);
    if (!verdict.ok) throw new HttpError(400, verdict.reason);
    const start = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      conn.interrupt();
    }, SQL_TIMEOUT_MS);
    await conn.run('BEGIN TRANSACTION READ ONLY');
    try {
      const reader = await conn.streamAndReadUntil(verdict.sql, cap + 1);
      const columns = reader.columnNames();
      const types = reader.columnTypes().map((t) => t.toString());
      const all = reader.getRows();
      return { columns, types, rows: all.slice(0, cap).map((r) => r.map(plain)), truncated: all.length > cap, ms: Math.round(performance.now() - start) };
    } catch (err) {
      if (timedOut) throw new HttpError(400, `The query ran longer than ${SQL_TIMEOUT_MS / 1000} s and was stopped; aggregate more or add a LIMIT.`);
      throw new HttpError(400, `DuckDB: ${errorMessage(err)}`);
    } finally {
      clearTimeout(timer);
      await conn.run('ROLLBACK').catch(() => undefined);
    }
  });
}
