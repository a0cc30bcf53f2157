// Turns a ReaderSpec into the SQL of a raw relation: VARCHAR columns named as the spec says, `_line`,
// the checks the reader itself makes (is this line JSON at all?), and the text shown for a reject.
import { writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lit } from '../util/db.js';
import { jsonRecords } from './json-records.js';
import type { Check, JsonField, JsonType, ReaderSpec } from './types.js';
import { q } from './sql.js';

export interface RawRelation {
  /**
   * A SELECT of the raw columns. With `lineOffset` set it has no `_line` column: rows come in file order
   * and the line of the row at 0-based position p is p + lineOffset (so DuckDB can read in parallel);
   * otherwise it has `_line`.
   */
  readonly sql: string;
  readonly lineOffset?: number;
  readonly checks: readonly Check[];
  /** SQL for the record's text in a reject. */
  readonly rawText: string;
  /** What `_line` counts: file lines, or records of a JSON array. */
  readonly locKind: 'line' | 'record';
  /** Temp table DuckDB fills with lines it could not parse as CSV, if any. */
  readonly csvRejects?: { table: string; scan: string };
  /** Problems found before DuckDB saw the file (JSON records that do not parse). */
  readonly preRejects: { index: number; reason: string; raw?: string }[];
}

const DUCK_TYPES: Record<JsonType, string[]> = {
  string: ['VARCHAR'],
  number: ['BIGINT', 'UBIGINT', 'DOUBLE'],
  boolean: ['BOOLEAN'],
  object: ['OBJECT'],
  array: ['ARRAY'],
};

/** Splits the first line of a CSV into column names, honouring double quotes. */
export function csvHeader(line: string, delim = ','): string[] {
  const out: string[] = [];
  let cur = '';
  let inQ = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inQ) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') inQ = false;
      else cur += ch;
    } else if (ch === '"') inQ = true;
    else if (ch === delim) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.replace(/\r$/, '').trim());
}

/** The nth line (0-based) of a text sample. */
export function sampleLine(head: string, n: number): string {
  return (head.split('\n')[n] ?? '').replace(/\r$/, '');
}

export interface ReaderContext {
  readonly path: string;
  readonly head: string;
  /** Unique suffix for temp tables. */
  readonly id: string;
  /** Folder for temporary files of this import. */
  readonly tmpDir: string;
}

export async function rawRelation(spec: ReaderSpec, ctx: ReaderContext): Promise<RawRelation> {
  switch (spec.kind) {
    case 'csv':
      return csvRelation(spec, ctx);
    case 'ndjson':
      return ndjsonRelation(ctx.path, spec.fields, ctx.id, 'line', []);
    case 'json': {
      const text = await readFile(ctx.path, 'utf8');
      const { records, problems } = jsonRecords(text, spec.arrayKey);
      const tmp = join(ctx.tmpDir, `records-${ctx.id}.ndjson`);
      // A record that failed to parse keeps its place as a blank line, so line n is record n.
      await writeFile(tmp, records.map((r) => r ?? '').join('\n') + '\n');
      return ndjsonRelation(tmp, spec.fields, ctx.id, 'record', problems);
    }
    case 'parquet':
      return {
        sql: `SELECT row_number() OVER () AS _line, * FROM read_parquet(${lit(ctx.path)})`,
        checks: [],
        rawText: `'row ' || _line`,
        locKind: 'record',
        preRejects: [],
      };
  }
}

function csvRelation(spec: Extract<ReaderSpec, { kind: 'csv' }>, ctx: ReaderContext): RawRelation {
  const delim = spec.delim ?? ',';
  const skip = spec.skip ?? 0;
  const names = spec.header ? csvHeader(sampleLine(ctx.head, skip), delim) : [...(spec.columns ?? [])];
  const cols = names.map((n, i) => `${lit(n || `column${i}`)}: 'VARCHAR'`).join(', ');
  const table = `csvrej_${ctx.id}`;
  const scan = `csvscan_${ctx.id}`;
  const opts = [
    `header=${spec.header}`,
    `columns={${cols}}`,
    `delim=${lit(delim)}`,
    `quote=${lit(spec.quote ?? '"')}`,
    `escape=${lit(spec.quote ?? '"')}`,
    `auto_detect=false`,
    `null_padding=true`,
    `store_rejects=true`,
    `rejects_table=${lit(table)}`,
    `rejects_scan=${lit(scan)}`,
    `max_line_size=10000000`,
    `skip=${skip}`,
  ];
  if (spec.encoding === 'latin-1') opts.push(`encoding='latin-1'`);
  const offset = skip + (spec.header ? 1 : 0);
  const rawText = `concat_ws(${lit(delim)}, ${names.map((n, i) => `coalesce(${q(n || `column${i}`)}, '')`).join(', ')})`;
  return {
    sql: `SELECT * FROM read_csv(${lit(ctx.path)}, ${opts.join(', ')})`,
    lineOffset: offset + 1,
    checks: [],
    rawText,
    locKind: 'line',
    csvRejects: { table, scan },
    preRejects: [],
  };
}

function ndjsonRelation(
  path: string,
  fields: Readonly<Record<string, JsonField>>,
  id: string,
  locKind: 'line' | 'record',
  problems: { index: number; reason: string }[],
): RawRelation {
  const extract = Object.entries(fields)
    .map(([name, f]) => `json_extract_string(_j, ${lit(f.path)}) AS ${q(name)}, json_type(_j, ${lit(f.path)}) AS ${q(`${name}__type`)}`)
    .join(', ');
  const inner = `SELECT row_number() OVER () AS _line, _text, CASE WHEN json_valid(_text) THEN _text::JSON END AS _j
    FROM read_csv(${lit(path)}, header=false, columns={'_text': 'VARCHAR'}, delim='\u0001', quote='', escape='',
      auto_detect=false, strict_mode=false, null_padding=true, max_line_size=10000000)`;
  const preIdx = new Set(problems.map((p) => p.index));
  const skipBlank = preIdx.size > 0 ? `(_text IS NULL AND _line NOT IN (${[...preIdx].join(',')}))` : `_text IS NULL`;
  const checks: Check[] = [
    { field: '(record)', bad: `_j IS NULL`, expected: 'a JSON object', got: `left(_text, 200)` },
    { field: '(record)', bad: `json_type(_j) <> 'OBJECT'`, expected: 'a JSON object', got: `left(_text, 200)` },
  ];
  for (const [name, f] of Object.entries(fields)) {
    if (!f.types) continue;
    const allowed = f.types.flatMap((t) => DUCK_TYPES[t]).map(lit).join(', ');
    checks.push({
      field: name,
      bad: `${q(`${name}__type`)} IS NOT NULL AND ${q(`${name}__type`)} <> 'NULL' AND ${q(`${name}__type`)} NOT IN (${allowed})`,
      expected: `a JSON ${f.types.join(' or ')}`,
      got: `left(json_extract(_j, ${lit(f.path)})::VARCHAR, 200)`,
    });
  }
  return {
    sql: `SELECT _line, _text, _j${extract ? ', ' + extract : ''} FROM (${inner}) WHERE NOT (${skipBlank} OR (_text IS NOT NULL AND trim(_text) = ''))`,
    checks,
    rawText: `left(_text, 2000)`,
    locKind,
    preRejects: problems,
  };
}
