// Builds the one SQL statement that reads a file and stages its rows for one target table: raw fields
// mapped to canonical columns, identities derived, format checks and table rules applied, and the raw
// text kept only for rows that fail. One pass, vectorised, whatever the format.
import { tableSpec, type TableName } from '../model/schema.js';
import type { RawRelation } from '../formats/readers.js';
import type { Check, OutputSpec } from '../formats/types.js';
import { TABLE_IMPORT } from './tables.js';

const P = '__c_';

const sqlText = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** SQL creating temp table `name` with the staged rows of one output. */
export function stageSql(name: string, raw: RawRelation, out: OutputSpec): string {
  const table: TableName = out.table;
  const spec = tableSpec(table);
  const rules = TABLE_IMPORT[table];
  const defined = new Set<string>([...Object.keys(out.map), ...Object.keys(rules.derived)]);
  const c = (n: string): string => (defined.has(n) ? `${P}${n}` : 'NULL');

  const select: string[] = ['_line'];
  for (const [col, expr] of Object.entries(out.map)) select.push(`(${expr}) AS ${P}${col}`);
  for (const [col, fn] of Object.entries(rules.derived)) if (!(col in out.map)) select.push(`(${fn(c)}) AS ${P}${col}`);

  const checks: { field: string; bad: string; expected: string; got?: string }[] = [
    ...[...raw.checks, ...(out.checks ?? [])].map((k: Check) => ({ ...k })),
    ...rules.rules.map((r) => ({ field: r.field, bad: r.sql(c), expected: r.expected })),
  ];
  if (checks.length > 0) {
    select.push(`CASE ${checks.map((k) => `WHEN ${k.bad} THEN ${sqlText(k.field)}`).join(' ')} END AS __field`);
    select.push(`CASE ${checks.map((k) => `WHEN ${k.bad} THEN ${sqlText('expected ' + k.expected)}`).join(' ')} END AS __reason`);
    const gots = checks.filter((k) => k.got);
    select.push(
      gots.length > 0
        ? `CASE WHEN __field IS NOT NULL THEN CASE ${gots.map((k) => `WHEN ${k.bad} THEN left(CAST(${k.got} AS VARCHAR), 200)`).join(' ')} END END AS __got`
        : `NULL::VARCHAR AS __got`,
    );
  } else {
    select.push(`NULL::VARCHAR AS __field`, `NULL::VARCHAR AS __reason`, `NULL::VARCHAR AS __got`);
  }
  select.push(`CASE WHEN __field IS NOT NULL THEN ${raw.rawText} END AS __raw`);

  const cols = spec.columns
    .filter((col) => defined.has(col.name))
    .map((col) => `TRY_CAST(${P}${col.name} AS ${col.type}) AS "${col.name}"`);
  const where = out.where ? `WHERE ${out.where}` : '';
  return `CREATE OR REPLACE TEMP TABLE ${name} AS
SELECT _line, ${cols.join(', ')}, __field AS _field, __reason AS _reason, __got AS _got, __raw AS _raw FROM (
  WITH raw AS (${raw.sql})
  SELECT ${select.join(',\n    ')}
  FROM raw ${where}
)`;
}
