// DuckDB skips CSV lines it cannot parse (and stores them as rejects with their real line numbers), so
// the row numbers of the rows after them run behind. This shifts the lines of rejected rows back to the
// file's own numbering; accepted rows keep theirs, which only order duplicates.
import type { DuckDBConnection } from '@duckdb/node-api';
import { all } from '../util/db.js';

/** Real line of a row numbered `provisional` when the lines `skipped` (ascending) were dropped. */
export function realLine(provisional: number, skipped: readonly number[]): number {
  let line = provisional;
  for (const s of skipped) {
    if (s <= line) line++;
    else break;
  }
  return line;
}

/** Fixes reject lines in the given stage tables; returns how many lines DuckDB rejected. */
export async function fixCsvLines(conn: DuckDBConnection, rejectsTable: string, stages: readonly string[]): Promise<number> {
  const skipped = (await all(conn, `SELECT DISTINCT line FROM ${rejectsTable} ORDER BY line`)).map((r) => Number(r['line']));
  if (skipped.length === 0) return 0;
  for (const stage of stages) {
    const bad = (await all(conn, `SELECT DISTINCT _line FROM ${stage} WHERE _reason IS NOT NULL`)).map((r) => Number(r['_line']));
    if (bad.length === 0) continue;
    const pairs = bad.map((p) => `(${p}, ${realLine(p, skipped)})`).join(', ');
    await conn.run(`UPDATE ${stage} SET _line = m.real FROM (VALUES ${pairs}) AS m(prov, real) WHERE ${stage}._line = m.prov AND ${stage}._reason IS NOT NULL`);
  }
  return Number((await all(conn, `SELECT count(*) AS n FROM ${rejectsTable}`))[0]?.['n'] ?? 0);
}
