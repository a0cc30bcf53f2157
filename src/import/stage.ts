// Builds the one SQL statement that reads a file and stages its rows for one target table: raw fields
// mapped to canonical columns, identities derived, format checks and table rules applied, and the raw
// text kept only for rows that fail. One pass, vectorised, whatever the format.
import { tableSpec, type TableName } from '../model/schema.js';
import type { RawRelation } from '../formats/readers.js';
import type { Check, OutputSpec } from '../formats/types.js';
import { TABLE_IMPORT } from './tables.js';
import { STR_PREFIX, strInline } from '../formats/sql.js';

const P = '__c_';

const sqlText = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Replaces each mapped expression that occurs verbatim in `sql` by its column. */
function reuseMapped(sql: string, map: Readonly<Record<string, string>>): string {
  let out = sql;
  const entries = Object.entries(map).sort((a, b) => b[1].length - a[1].length);
  for (const [col, expr] of entries) if (expr.length > 12) out = out.replaceAll(`(${expr})`, `${P}${col}`).replaceAll(expr, `${P}${col}`);
  return out;
}

/**
 * SQL creating temp table `name` with the staged rows of one output. Without a `_line` column in the raw
 * relation the rows keep file order, and the line is the stage row's rowid plus `raw.lineOffset`.
 */
export function stageSql(name: string, raw: RawRelation, out: OutputSpec): string {
  const table: TableName = out.table;
  const spec = tableSpec(table);
  const rules = TABLE_IMPORT[table];
  const defined = new Set<string>([...Object.keys(out.map), ...Object.keys(rules.derived)]);
  const c = (n: string): string => (defined.has(n) ? `${P}${n}` : 'NULL');

  // Each step is its own SELECT layer over the one before. Columns, not lateral aliases: DuckDB inlines an
  // alias's whole expression wherever it is used, and the plans of wide formats then grew to seconds.
  const layers: string[] = [];
  layers.push(Object.entries(out.map).map(([col, expr]) => `(${expr}) AS ${P}${col}`).join(', '));
  for (const [col, fn] of Object.entries(rules.derived)) if (!(col in out.map)) layers.push(`(${fn(c)}) AS ${P}${col}`);

  const checks: { field: string; bad: string; expected: string; got?: string }[] = [
    ...[...raw.checks, ...(out.checks ?? [])].map((k: Check) => ({ ...k })),
    ...rules.rules.map((r) => ({ field: r.field, bad: r.sql(c), expected: r.expected })),
  ];
  if (checks.length > 0) {
    // One CASE finds the first failing check; field, reason and the offending value are looked up from its
    // index (a CASE, not a list literal, which would be built for every row), so a valid row pays for each
    // check once. A check that repeats a mapped expression reuses its column.
    const bads = checks.map((k) => reuseMapped(k.bad, out.map));
    layers.push(`CASE ${bads.map((b, i) => `WHEN ${b} THEN ${i + 1}`).join(' ')} END AS __k`);
    const gots = checks.map((k, i) => (k.got ? `WHEN ${i + 1} THEN left(CAST(${k.got} AS VARCHAR), 200)` : '')).filter(Boolean);
    layers.push(
      [
        `CASE WHEN __k IS NOT NULL THEN CASE __k ${checks.map((k, i) => `WHEN ${i + 1} THEN ${sqlText(k.field)}`).join(' ')} END END AS __field`,
        `CASE WHEN __k IS NOT NULL THEN CASE __k ${checks.map((k, i) => `WHEN ${i + 1} THEN ${sqlText('expected ' + k.expected)}`).join(' ')} END END AS __reason`,
        gots.length > 0 ? `CASE WHEN __k IS NOT NULL THEN CASE __k ${gots.join(' ')} END END AS __got` : `NULL::VARCHAR AS __got`,
        `CASE WHEN __k IS NOT NULL THEN ${raw.rawText} END AS __raw`,
      ].join(', '),
    );
  } else {
    layers.push(`NULL::VARCHAR AS __field, NULL::VARCHAR AS __reason, NULL::VARCHAR AS __got, NULL::VARCHAR AS __raw`);
  }
  const line = raw.lineOffset === undefined ? '_line, ' : '';
  const cols = spec.columns
    .filter((col) => defined.has(col.name))
    .map((col) => `TRY_CAST(${P}${col.name} AS ${col.type}) AS "${col.name}"`);
  if (out.where && raw.lineOffset !== undefined) throw new Error('an output with `where` needs a raw relation with _line');

  // Raw columns that str() names are cleaned once, in the first layer.
  const body = layers.join(' ') + (out.where ?? '');
  const strCols = [...new Set([...body.matchAll(new RegExp(`"${STR_PREFIX}([A-Za-z0-9_]+)"`, 'g'))].map((m) => m[1]!))];
  let rel = strCols.length > 0 ? `SELECT *, ${strCols.map((x) => `${strInline(`"${x}"`)} AS "${STR_PREFIX}${x}"`).join(', ')} FROM raw` : 'SELECT * FROM raw';
  if (out.where) rel = `SELECT * FROM (${rel}) WHERE ${out.where}`;
  for (const l of layers) rel = `SELECT *, ${l} FROM (${rel})`;
  return `CREATE OR REPLACE TEMP TABLE ${name} AS
WITH raw AS (${raw.sql})
SELECT ${line}${cols.join(', ')}, __field AS _field, __reason AS _reason, __got AS _got, __raw AS _raw, NULL::VARCHAR AS _dup FROM (${rel})`;
}

/**
 * The relation a file's outputs stage from: the raw relation itself, or, when several outputs (or one
 * with a `where`) read the same rows, a temp table `raw_<id>` of it read once, keeping each row's line.
 * `run` runs the statement (the import wraps it to report progress).
 */
export async function sharedSource(
  raw: RawRelation,
  outputs: readonly OutputSpec[],
  id: string,
  run: (sql: string) => Promise<unknown>,
): Promise<RawRelation> {
  if (outputs.length <= 1 && !outputs.some((o) => o.where)) return raw;
  await run(`CREATE OR REPLACE TEMP TABLE raw_${id} AS ${raw.sql}`);
  return { ...raw, lineOffset: undefined, sql: raw.lineOffset === undefined ? `SELECT * FROM raw_${id}` : `SELECT rowid + ${raw.lineOffset} AS _line, * FROM raw_${id}` };
}
