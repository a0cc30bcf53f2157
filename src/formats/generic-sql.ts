// SQL and sampling helpers shared by the event, canonical and generic formats: a time read from ISO
// text or from a Unix number of any unit (decided by magnitude), a raw value typed after a canonical
// column's DuckDB type, the "City, CC" location split, and reading the keys of an NDJSON sample.
import { ACTIONS } from '../model/rules.js';
import type { ColumnSpec } from '../model/schema.js';
import { csvHeader, sampleLine } from './readers.js';
import { bool, int, isoText, num, q, str } from './sql.js';
import type { Check, JsonType } from './types.js';

/**
 * A time from ISO-8601 text (UTC when it has no zone) or from a Unix number, whose unit is decided by
 * its magnitude: below 1e11 seconds (up to year 5138), below 1e14 milliseconds, below 1e17
 * microseconds, else nanoseconds. Kept to millisecond precision; NULL when neither reading works.
 */
export function anyTime(col: string): string {
  const s = str(col);
  const d = `TRY_CAST(${s} AS DOUBLE)`;
  const ms = `(CASE WHEN abs(${d}) < 1e11 THEN ${d} * 1000 WHEN abs(${d}) < 1e14 THEN ${d} WHEN abs(${d}) < 1e17 THEN ${d} / 1e3 ELSE ${d} / 1e6 END)`;
  return `(CASE WHEN ${d} IS NOT NULL THEN (CASE WHEN abs(${ms}) < 1e14 THEN make_timestamptz(CAST(round(${ms}) AS BIGINT) * 1000) END) ELSE ${isoText(s)} END)`;
}

export const TIME_EXPECTED = 'a time: ISO-8601 like 2025-03-20T14:05:00Z (UTC when no zone is given) or Unix seconds or milliseconds';

/** The raw column read as the canonical column's type. */
export function typed(type: string, col: string): string {
  switch (type) {
    case 'TIMESTAMPTZ':
      return anyTime(col);
    case 'BIGINT':
    case 'INTEGER':
      return int(col);
    case 'DOUBLE':
      return num(col);
    case 'BOOLEAN':
      return bool(col);
    case 'DATE':
      return `TRY_CAST(${str(col)} AS DATE)`;
    default:
      return str(col);
  }
}

const EXPECTED: Record<string, string> = {
  TIMESTAMPTZ: TIME_EXPECTED,
  BIGINT: 'a whole number',
  INTEGER: 'a whole number',
  DOUBLE: 'a number',
  BOOLEAN: 'true/false, 1/0 or yes/no',
  DATE: 'a date like 2025-03-20',
};

/** The check that a present value of the raw column reads as the canonical column's type (none for text). */
export function typeCheck(spec: ColumnSpec, col: string): Check | null {
  const expected = EXPECTED[spec.type];
  if (!expected) return null;
  return { field: col, bad: `${str(col)} IS NOT NULL AND (${typed(spec.type, col)}) IS NULL`, expected, got: q(col) };
}

/**
 * The JSON types a raw field feeding a canonical column of this type may have. Booleans: a JSON boolean
 * or a string ("true", "yes", "1"...), not a number: the reader's check would then list five DuckDB
 * types, and a NOT IN list of five per field makes DuckDB plan the staging query very slowly.
 */
export function jsonTypesFor(type: string): JsonType[] {
  return type === 'BOOLEAN' ? ['boolean', 'string'] : ['string', 'number'];
}

/** The action, lower-cased and trimmed; NULL when absent. */
export const actionOf = (col: string): string => `lower(${str(col)})`;

/** A check that the action, when present, is one of the four (the reject quotes the raw value). */
export function actionCheck(col: string, required: boolean): Check {
  const a = actionOf(col);
  const list = ACTIONS.map((x) => `'${x}'`).join(', ');
  return {
    field: col,
    bad: required ? `(${a} IS NULL OR ${a} NOT IN (${list}))` : `(${a} IS NOT NULL AND ${a} NOT IN (${list}))`,
    expected: `an action: ${ACTIONS.join(', ')}`,
    got: q(col),
  };
}

const CITY_CC = `'^(.*),\\s*([A-Za-z]{2})$'`;
const CC = `'^[A-Za-z]{2}$'`;

/** City from a location: "City, CC" -> City; a bare 2-letter code -> NULL; anything else -> the whole text. */
export function cityOf(col: string): string {
  const l = str(col);
  return `(CASE WHEN regexp_matches(${l}, ${CC}) THEN NULL WHEN regexp_matches(${l}, ${CITY_CC}) THEN nullif(trim(regexp_extract(${l}, ${CITY_CC}, 1)), '') ELSE ${l} END)`;
}

/** Country from a location: "City, CC" or "CC" -> CC upper-cased; anything else -> NULL. */
export function countryOf(col: string): string {
  const l = str(col);
  return `(CASE WHEN regexp_matches(${l}, ${CC}) THEN upper(${l}) WHEN regexp_matches(${l}, ${CITY_CC}) THEN upper(regexp_extract(${l}, ${CITY_CC}, 2)) END)`;
}

/** The JSON objects among the first lines of an NDJSON sample (lines that do not parse are passed over). */
export function headObjects(head: string, max = 50): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const body = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  // Line by line up to the max-th object, not a split of the whole sample: the server detects the format
  // of every body it is sent, from a 64 KB head, with several detectors.
  for (let at = 0; at <= body.length && out.length < max; ) {
    const nl = body.indexOf('\n', at);
    const end = nl < 0 ? body.length : nl;
    const t = body.slice(at, end).trim();
    at = end + 1;
    if (!t.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(t);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(v as Record<string, unknown>);
    } catch {
      continue;
    }
  }
  return out;
}

// The last sample's keys: detecting one body's format asks for them several times.
let lastHead: string | null = null;
let lastKeys: ReadonlySet<string> = new Set();

/** Keys of the first JSON objects of an NDJSON sample (JSON keys are case-sensitive: kept as they are). */
export function headKeys(head: string): ReadonlySet<string> {
  if (head === lastHead) return lastKeys;
  const keys = new Set<string>();
  for (const o of headObjects(head)) for (const k of Object.keys(o)) keys.add(k);
  lastHead = head;
  lastKeys = keys;
  return keys;
}

const bare = (c: string): string => c.replace(/^\uFEFF/, '');

/**
 * Finds a column by name among the source's columns (as the reader names them: a CSV header keeps a
 * leading byte-order mark): exactly, else ignoring case and a byte-order mark.
 */
export function findColumn(columns: readonly string[], name: string): string | undefined {
  return columns.find((c) => c === name) ?? columns.find((c) => bare(c).toLowerCase() === name.toLowerCase());
}

/** The header of a CSV sample, named as the csv reader names the columns. */
export function csvColumns(head: string, delim = ','): string[] {
  return csvHeader(sampleLine(head, 0), delim);
}

/** The delimiter of a CSV sample's header: the most frequent of , ; tab | outside quotes (comma on a tie). */
export function sniffDelimiter(head: string): string {
  const line = sampleLine(head, 0).replace(/"[^"]*"/g, '');
  let best = ',';
  let most = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = line.split(d).length - 1;
    if (n > most) {
      most = n;
      best = d;
    }
  }
  return best;
}

/** The header of a CSV sample, lower-cased, without a byte-order mark: for detection. */
export function csvKeys(head: string): Set<string> {
  return new Set(csvColumns(head).map((c) => bare(c).toLowerCase()));
}
