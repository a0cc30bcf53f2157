// Turns a ReaderSpec into the SQL of a raw relation: VARCHAR columns named as the spec says, `_line`,
// the checks the reader itself makes (is this line JSON at all?), and the text shown for a reject.
import { writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lit } from '../util/db.js';
import { InputError } from '../util/errors.js';
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
  /** Statements to run before `sql` (e.g. loading lines into a temp table). */
  readonly setup?: readonly string[];
  readonly checks: readonly Check[];
  /** SQL for the record's text in a reject. */
  readonly rawText: string;
  /** What `_line` counts: file lines, or records of a JSON array. */
  readonly locKind: 'line' | 'record';
  /** Temp table DuckDB fills with lines it could not parse as CSV, if any. */
  readonly csvRejects?: { table: string; scan: string; expected: string };
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
  return out.map((s, i) => (i === 0 ? s.replace(/^\uFEFF/, '') : s).replace(/\r$/, '').trim());
}

/** The nth line (0-based) of a text sample. */
export function sampleLine(head: string, n: number): string {
  let at = 0;
  for (let i = 0; i < n; i++) {
    const nl = head.indexOf('\n', at);
    if (nl < 0) return '';
    at = nl + 1;
  }
  const nl = head.indexOf('\n', at);
  return head.slice(at, nl < 0 ? head.length : nl).replace(/\r$/, '');
}

export interface ReaderContext {
  readonly path: string;
  readonly head: string;
  /** Unique suffix for temp tables. */
  readonly id: string;
  /** Folder for temporary files of this import. */
  readonly tmpDir: string;
  /** Read CSV on one thread (needed for quoted line breaks). */
  readonly serial?: boolean;
  /** The file to read when it is not `path` (a UTF-8 copy of a Latin-1 file). */
  readonly readPath?: string;
}

export async function rawRelation(spec: ReaderSpec, ctx: ReaderContext): Promise<RawRelation> {
  switch (spec.kind) {
    case 'csv': {
      if (spec.encoding !== 'latin-1') return csvRelation(spec, ctx);
      // Latin-1 files are often really Windows-1252 (curly quotes in 0x80-0x9F), which DuckDB's latin-1
      // reader refuses whole: decode in JavaScript (windows-1252 is a superset) into a UTF-8 copy.
      const utf8 = join(ctx.tmpDir, `utf8-${ctx.id}.csv`);
      await writeFile(utf8, new TextDecoder('windows-1252').decode(await readFile(ctx.path)));
      return csvRelation(spec, { ...ctx, readPath: utf8 });
    }
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

/** True when a CSV line has a quote that is never closed (then DuckDB would read nothing and say nothing). */
export function unbalancedQuotes(line: string, quote = '"'): boolean {
  if (quote === '') return false;
  return line.split(quote).length % 2 === 0;
}

function csvRelation(spec: Extract<ReaderSpec, { kind: 'csv' }>, ctx: ReaderContext): RawRelation {
  const delim = spec.delim ?? ',';
  const skip = spec.skip ?? 0;
  const headerLine = sampleLine(ctx.head, skip);
  if (spec.header && unbalancedQuotes(headerLine, spec.quote ?? '"')) {
    throw new InputError(ctx.path, `line ${skip + 1} (the header) has a quote that is never closed: expected a CSV header like a,b,c`);
  }
  const names = spec.header ? csvHeader(headerLine, delim) : [...(spec.columns ?? [])];
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
  // DuckDB cannot read quoted line breaks in parallel together with null_padding; the caller retries
  // a file that needs it with `serial` set.
  if (ctx.serial) opts.push('parallel=false');
  const offset = skip + (spec.header ? 1 : 0);
  const rawText = `concat_ws(${lit(delim)}, ${names.map((n, i) => `coalesce(${q(n || `column${i}`)}, '')`).join(', ')})`;
  return {
    sql: `SELECT * FROM read_csv(${lit(ctx.readPath ?? ctx.path)}, ${opts.join(', ')})`,
    lineOffset: offset + 1,
    checks: [],
    rawText,
    locKind: 'line',
    csvRejects: { table, scan, expected: 'a well-formed CSV line' },
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
  // Lines are loaded once in parallel (a table keeps file order, so rowid + 1 is the line); each line is
  // then parsed once for all its values and once for all their types.
  const lines = `lines_${id}`;
  // Lines DuckDB cannot read (invalid UTF-8) land in its rejects table with their line numbers.
  const csvRejects = { table: `csvrej_${id}`, scan: `csvscan_${id}`, expected: 'a line of UTF-8 text' };
  const setup = `CREATE OR REPLACE TEMP TABLE ${lines} AS SELECT _text FROM read_csv(${lit(path)}, header=false, columns={'_text': 'VARCHAR'},
      delim='\u0001', quote='', escape='', auto_detect=false, strict_mode=false, null_padding=true, max_line_size=10000000,
      store_rejects=true, rejects_table=${lit(csvRejects.table)}, rejects_scan=${lit(csvRejects.scan)})`;
  const entries = Object.entries(fields);
  const paths = `[${entries.map(([, f]) => lit(f.path)).join(', ')}]`;
  const typePaths = `['$', ${entries.map(([, f]) => lit(f.path)).join(', ')}]`;
  const extract = entries
    .map(([name], i) => `_v[${i + 1}] AS ${q(name)}, _t[${i + 2}] AS ${q(`${name}__type`)}`)
    .join(', ');
  const inner = `SELECT _line, _text, _j, ${entries.length ? `json_extract_string(_j, ${paths})` : '[]::VARCHAR[]'} AS _v, json_type(_j, ${typePaths}) AS _t
    FROM (SELECT rowid + 1 AS _line, _text, CASE WHEN json_valid(_text) THEN _text::JSON END AS _j FROM ${lines}
          WHERE _text IS NOT NULL AND trim(_text) <> '')`;
  const checks: Check[] = [
    { field: '(record)', bad: `_j IS NULL`, expected: 'a JSON object', got: `left(_text, 200)` },
    { field: '(record)', bad: `_t[1] <> 'OBJECT'`, expected: 'a JSON object', got: `left(_text, 200)` },
  ];
  for (const [name, f] of entries) {
    if (!f.types) continue;
    const allowed = f.types.flatMap((t) => DUCK_TYPES[t]).map(lit).join(', ');
    const tcol = q(`${name}__type`);
    checks.push({
      field: name,
      bad: `${tcol} IS NOT NULL AND ${tcol} <> 'NULL' AND NOT list_contains([${allowed}], ${tcol})`,
      expected: `a JSON ${f.types.join(' or ')}`,
      got: `left(json_extract(_j, ${lit(f.path)})::VARCHAR, 200)`,
    });
  }
  return {
    setup: [setup],
    sql: `SELECT _line, _text, _j, _t${extract ? ', ' + extract : ''} FROM (${inner})`,
    checks,
    rawText: `left(_text, 2000)`,
    locKind,
    csvRejects,
    preRejects: problems,
  };
}
