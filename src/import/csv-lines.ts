// DuckDB skips CSV lines it cannot parse (and stores them as rejects with their real line numbers), so
// the row numbers of the rows after them run behind. This shifts the lines of rejected rows back to the
// file's own numbering; accepted rows keep theirs, which only order duplicates.
import type { DuckDBConnection } from '@duckdb/node-api';
import { all, lit } from '../util/db.js';

/** Real line of a row numbered `provisional` when the lines `skipped` (ascending) were dropped. */
export function realLine(provisional: number, skipped: readonly number[]): number {
  let line = provisional;
  for (const s of skipped) {
    if (s <= line) line++;
    else break;
  }
  return line;
}

/**
 * Moves the lines of the file's row rejects (already in `rejectsTable`, numbered by row) to real file
 * lines, then adds DuckDB's own CSV rejects. Returns how many lines DuckDB rejected.
 */
export async function fixCsvLines(
  conn: DuckDBConnection,
  csvRejects: string,
  rejectsTable: string,
  importId: string,
  origin: string,
  expected = 'a well-formed CSV line',
): Promise<number> {
  const skipped = (await all(conn, `SELECT DISTINCT line FROM ${csvRejects} ORDER BY line`)).map((r) => Number(r['line']));
  if (skipped.length === 0) return 0;
  const bad = (await all(conn, `SELECT DISTINCT loc FROM ${rejectsTable} WHERE file = ${lit(origin)} AND loc IS NOT NULL`)).map((r) => Number(r['loc']));
  if (bad.length > 0) {
    const pairs = bad.map((p) => `(${p}, ${realLine(p, skipped)})`).join(', ');
    await conn.run(
      `UPDATE ${rejectsTable} SET loc = m.real FROM (VALUES ${pairs}) AS m(prov, real) WHERE ${rejectsTable}.file = ${lit(origin)} AND ${rejectsTable}.loc = m.prov`,
    );
  }
  await conn.run(
    `INSERT INTO ${rejectsTable} SELECT ${lit(importId)}, ${lit(origin)}, NULL, 'line', line,
      CASE WHEN column_name IS NULL OR column_name = '_text' THEN '(line)' ELSE column_name END,
      ${lit(`expected ${expected}: `)} || error_message, NULL, left(trim(csv_line, chr(10) || chr(13)), 2000)
      FROM (SELECT line, any_value(column_name) AS column_name, any_value(error_message) AS error_message, any_value(csv_line) AS csv_line
            FROM ${csvRejects} GROUP BY line)`,
  );
  // DuckDB may report one line several times (one entry per extra column): a line is one reject.
  return Number((await all(conn, `SELECT count(DISTINCT line) AS n FROM ${csvRejects}`))[0]?.['n'] ?? 0);
}
