// Writing sample records as files of their codec (CSV, NDJSON, JSON arrays, Parquet), remembering where
// each record is (its byte span, and the `loc` a reject of it must carry: its line, or its 1-based
// record index), and the mutations the property tests apply to them.
import { writeFile, readFile, unlink } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { lit } from '../../src/util/db.js';
import { Raw, setPath, type Codec, type Json, type Rec, type SampleSpec } from './samples.js';

/** A record, or a line of garbage standing where a record would. */
export type Item = { readonly rec: Rec } | { readonly garbage: string };

export interface Written {
  /** The file's bytes as written. */
  readonly body: Buffer;
  /** Byte span [start, end) of each item (text codecs). */
  readonly spans: readonly (readonly [number, number])[];
  /** The `loc` of each item: line (CSV, NDJSON) or 1-based record index (JSON arrays, Parquet). */
  readonly locs: readonly number[];
  /** Bytes before the first record (header, comments, `[`). */
  readonly headerEnd: number;
}

// ---- values ----------------------------------------------------------------------------------------

/** JSON text of a value; Raw tokens verbatim (so NaN, 1e400 or a wrong type can be written). */
export function toJson(v: Json): string {
  if (v instanceof Raw) return v.token;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

/** A value as CSV cell text. */
function cellText(v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  if (v instanceof Raw) return v.token;
  if (typeof v === 'object') return toJson(v);
  return String(v);
}

function cell(v: Json | undefined, delim: string, quoting: boolean): string {
  const t = cellText(v);
  if (!quoting) return t.replace(/[\t\r\n]/g, ' ').replaceAll(delim, ' ');
  return /["\r\n]/.test(t) || t.includes(delim) ? `"${t.replaceAll('"', '""')}"` : t;
}

/** Lone UTF-16 surrogates as U+FFFD (DuckDB's JSON reader refuses them). */
const wellFormed = (s: string): string => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** A value as Parquet can hold it: Raw tokens parsed where they are JSON, else kept as text. */
function plainValue(v: Json): unknown {
  if (typeof v === 'string') return wellFormed(v);
  if (v instanceof Raw) {
    try {
      const x = JSON.parse(v.token) as Json;
      return plainValue(x);
    } catch {
      return v.token;
    }
  }
  if (Array.isArray(v)) return v.map(plainValue);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainValue(x)]));
  return v;
}

// ---- writing -----------------------------------------------------------------------------------------

/** Serialises items with a text codec. */
export function serialize(codec: Exclude<Codec, { kind: 'parquet' }>, items: readonly Item[]): Written {
  const parts: string[] = [];
  const spans: [number, number][] = [];
  const locs: number[] = [];
  let bytes = 0;
  const push = (s: string): void => {
    parts.push(s);
    bytes += Buffer.byteLength(s);
  };
  const itemText = (it: Item, text: (r: Rec) => string): string => ('rec' in it ? text(it.rec) : it.garbage);
  switch (codec.kind) {
    case 'csv': {
      const delim = codec.delim ?? ',';
      const quoting = codec.quoting ?? true;
      const nl = codec.crlf ? '\r\n' : '\n';
      let line = 0;
      for (const p of codec.prefix ?? []) {
        push(p + nl);
        line++;
      }
      if (codec.header ?? true) {
        push(codec.columns.map((c) => cell(c, delim, quoting)).join(delim) + nl);
        line++;
      }
      const headerEnd = bytes;
      for (const it of items) {
        const t = itemText(it, (r) => codec.columns.map((c) => cell(r[c], delim, quoting)).join(delim));
        const start = bytes;
        push(t);
        spans.push([start, bytes]);
        push(nl);
        locs.push(++line);
        // CSV rejects are numbered by record (one record a line): a quoted value holding a line break
        // does not shift the numbers of the records after it (a documented limitation).
      }
      return { body: Buffer.from(parts.join('')), spans, locs, headerEnd };
    }
    case 'ndjson': {
      for (const [k, it] of items.entries()) {
        const start = bytes;
        push(itemText(it, toJson));
        spans.push([start, bytes]);
        push('\n');
        locs.push(k + 1);
      }
      return { body: Buffer.from(parts.join('')), spans, locs, headerEnd: 0 };
    }
    case 'json-array':
    case 'json-wrapped': {
      push(codec.kind === 'json-array' ? '[\n' : codec.before);
      const headerEnd = bytes;
      for (const [k, it] of items.entries()) {
        if (k > 0) push(',\n');
        const start = bytes;
        push(itemText(it, toJson));
        spans.push([start, bytes]);
        locs.push(k + 1);
      }
      push(codec.kind === 'json-array' ? '\n]\n' : codec.after);
      return { body: Buffer.from(parts.join('')), spans, locs, headerEnd };
    }
  }
}

/** Writes items to `path` in the sample's codec (Parquet through DuckDB, reading the records as NDJSON). */
export async function writeItems(path: string, codec: Codec, items: readonly Item[], duck: DuckDBConnection): Promise<Written> {
  if (codec.kind !== 'parquet') {
    const w = serialize(codec, items);
    await writeFile(path, w.body);
    return w;
  }
  // Garbage in Parquet: a row whose every column holds the garbage text.
  const keys = [...new Set(items.flatMap((it) => ('rec' in it ? Object.keys(it.rec) : [])))];
  const rows = items.map((it) =>
    'rec' in it ? (plainValue(it.rec) as Record<string, unknown>) : Object.fromEntries(keys.map((k) => [k, wellFormed(it.garbage)])),
  );
  // A column whose values are of different JSON types (or objects) is written as text, as a file with
  // such a column would hold it; otherwise DuckDB would type it JSON and keep strings in quotes.
  for (const k of keys) {
    const types = new Set(rows.map((r) => r[k]).filter((v) => v !== null && v !== undefined).map((v) => (typeof v === 'object' ? 'object' : typeof v)));
    if (types.size > 1 || types.has('object')) {
      for (const r of rows) if (r[k] !== null && r[k] !== undefined && typeof r[k] !== 'string') r[k] = JSON.stringify(r[k]);
    }
  }
  const tmp = `${path}.src.ndjson`;
  await writeFile(tmp, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  try {
    try {
      await duck.run(`COPY (SELECT * FROM read_json(${lit(tmp)}, format='newline_delimited')) TO ${lit(path)} (FORMAT parquet)`);
    } catch {
      // Values DuckDB cannot type alike: every column as text.
      const cols = keys.map((k) => `${lit(k)}: 'VARCHAR'`).join(', ');
      await duck.run(`COPY (SELECT * FROM read_json(${lit(tmp)}, format='newline_delimited', columns={${cols}})) TO ${lit(path)} (FORMAT parquet)`);
    }
  } finally {
    await unlink(tmp);
  }
  const body = await readFile(path);
  return { body, spans: [], locs: items.map((_, k) => k + 1), headerEnd: 0 };
}

// ---- mutations -----------------------------------------------------------------------------------

export type Mutation =
  | { readonly kind: 'drop'; readonly rec: number; readonly path: number }
  | { readonly kind: 'set'; readonly rec: number; readonly path: number; readonly value: Json }
  | { readonly kind: 'reject'; readonly rec: number; readonly which: number }
  | { readonly kind: 'duplicate'; readonly rec: number }
  | { readonly kind: 'garbage-line'; readonly at: number; readonly text: string };

const HUGE_ASCII = 'x'.repeat(100_000);
const HUGE_UNICODE = 'é🎵'.repeat(33_334);

/** Values a field should never be trusted to hold. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  // wrong JSON types and tokens that are not JSON at all
  fc.constantFrom<Json>(
    new Raw('123'),
    new Raw('true'),
    new Raw('false'),
    new Raw('null'),
    new Raw('[1,"a",null]'),
    new Raw('{"x":{"y":[]}}'),
    new Raw('[]'),
    new Raw('{}'),
    new Raw('-0'),
    new Raw('NaN'),
    new Raw('Infinity'),
    new Raw('-Infinity'),
    new Raw('1e400'),
    new Raw('123456789012345678901234567890'),
    new Raw('"\\u0000"'),
    new Raw('"\\ud800"'),
  ),
  // empty, blank, null-ish and numeric-ish text
  fc.constantFrom<Json>('', ' ', '  \t ', 'null', 'NULL', 'None', 'N/A', 'undefined', '-1', '-5.5', '0', 'NaN', 'inf', '-Infinity', '1e308', '1e-400', '0x1F', '١٢٣'),
  // impossible and implausible dates
  fc.constantFrom<Json>(
    '2023-02-30T10:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-06-31 25:61:61',
    '0000-00-00 00:00:00',
    '1899-12-31T23:59:59Z',
    '9999-12-31T23:59:59Z',
    '2999-01-01T00:00:00Z',
    '31 Feb 2021 14:05',
    'yesterday',
    new Raw('-1'),
    new Raw('1e20'),
    new Raw('253402300800000'),
  ),
  // negative and odd numbers
  fc.integer({ min: -2_000_000_000, max: -1 }).map((n): Json => n),
  fc.double().map((d): Json => (Number.isFinite(d) ? d : new Raw(String(d)))),
  // unicode: NUL, emoji, bidi, combining, BOM, quoting characters
  fc.constantFrom<Json>('a\u0000b', '\u0000', '🎵🎶👩‍👩‍👧', 'Zoë Keating — “Sun”', '\u202Eevil', '\uFEFFbom', 'e\u0301', '"', "'", ',', ';', '\\', '\t', 'line\nbreak', 'cr\rlf', "x'); DROP TABLE listens;--", '%s%n${x}'),
  fc.string({ unit: 'binary', maxLength: 30 }).map((s): Json => s),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map((s): Json => s),
  // huge strings
  fc.constantFrom<Json>(HUGE_ASCII, HUGE_UNICODE),
);

/** Garbage that stays one line and one item: no quotes, brackets, commas or line breaks. */
const garbageText: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom(...'abcXYZ019 !#$%&()*+-./:;<=>?@^_`|~é🎵'.split('')), minLength: 1, maxLength: 40 })
  .map((s) => `#${s}`);

/** A mutation of one record, or a record duplicated, or a garbage line inserted. */
export function mutationArb(spec: SampleSpec): fc.Arbitrary<Mutation> {
  const rec = fc.nat({ max: 1000 });
  const options: { weight: number; arbitrary: fc.Arbitrary<Mutation> }[] = [
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('drop' as const), rec, path: fc.nat({ max: 1000 }) }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), rec, path: fc.nat({ max: 1000 }), value: hostileValue }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), rec }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('garbage-line' as const), at: rec, text: garbageText }) },
  ];
  if (spec.mustReject.length > 0) {
    options.push({ weight: 3, arbitrary: fc.record({ kind: fc.constant('reject' as const), rec, which: fc.nat({ max: 1000 }) }) });
  }
  return fc.oneof(...options);
}

/** Every path in a record (objects' inner keys too), dotted. */
export function pathsOf(r: Rec, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(r)) {
    const p = [...prefix, k];
    out.push(p);
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw)) out.push(...pathsOf(v, p));
  }
  return out;
}

const clone = (r: Rec): Rec => structuredCloneJson(r) as Rec;
function structuredCloneJson(v: Json): Json {
  if (v instanceof Raw || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(structuredCloneJson);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, structuredCloneJson(x)]));
}

/** Mutations applied to one file: the role each item ends up with says what the import must do with it. */
export type Role = 'ok' | 'touched' | 'must-reject' | 'duplicate' | 'garbage';

export interface Planned {
  readonly items: Item[];
  readonly roles: Role[];
  readonly description: string;
}

/**
 * Applies record mutations to `records`: drop/set/reject each touch a record no other mutation has
 * touched (a mutation whose record is taken moves to the next free one, or is left out), duplicates copy
 * an untouched record right after it, garbage lines go anywhere. Truncation is not applied here.
 */
export function plan(spec: SampleSpec, records: readonly Rec[], ms: readonly Mutation[], csv: boolean): Planned {
  const n = records.length;
  const items: Item[] = records.map((r) => ({ rec: clone(r) }));
  const roles: Role[] = records.map(() => 'ok');
  const notes: string[] = [];
  const free = (start: number): number | undefined => {
    for (let d = 0; d < n; d++) if (roles[(start + d) % n] === 'ok') return (start + d) % n;
    return undefined;
  };
  const local = ms.filter((m) => m.kind === 'drop' || m.kind === 'set' || m.kind === 'reject');
  for (const m of local) {
    const k = free(m.rec % n);
    if (k === undefined) continue;
    const r = (items[k] as { rec: Rec }).rec;
    if (m.kind === 'reject') {
      const e = spec.mustReject[m.which % spec.mustReject.length]!;
      e.edit(r);
      roles[k] = 'must-reject';
      notes.push(`record ${k}: ${e.label} (must be rejected)`);
      continue;
    }
    const paths = pathsOf(r);
    const path = paths[m.path % paths.length]!;
    // In CSV a field cannot be left out of one row: an empty cell is the dropped field.
    const value = m.kind === 'drop' ? (csv ? '' : undefined) : m.value;
    setPath(r, path, value);
    roles[k] = 'touched';
    const shown = value === undefined ? 'dropped' : value instanceof Raw ? `raw ${value.token.slice(0, 60)}` : JSON.stringify(value).slice(0, 60);
    notes.push(`record ${k}: ${path.join('.')} ${m.kind === 'drop' ? 'dropped' : `= ${shown}`}`);
  }
  // Duplicates and garbage are inserted back to front (by original position) so positions stay meaningful.
  const inserts: { at: number; item: Item; role: Role; note: string }[] = [];
  for (const m of ms) {
    if (m.kind === 'duplicate') {
      const k = free(m.rec % n);
      if (k === undefined || inserts.some((x) => x.role === 'duplicate' && x.at === k + 1)) continue;
      inserts.push({ at: k + 1, item: { rec: clone(records[k]!) }, role: 'duplicate', note: `record ${k} duplicated` });
    } else if (m.kind === 'garbage-line') {
      const at = m.at % (n + 1);
      inserts.push({ at, item: { garbage: m.text }, role: 'garbage', note: `garbage ${JSON.stringify(m.text)} before record ${at}` });
    }
  }
  inserts.sort((a, b) => b.at - a.at);
  for (const x of inserts) {
    items.splice(x.at, 0, x.item);
    roles.splice(x.at, 0, x.role);
    notes.push(x.note);
  }
  return { items, roles, description: notes.length ? notes.join('; ') : 'unmutated' };
}
