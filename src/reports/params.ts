// Report parameters: declared in the manifest with a type and a default, given on the command line as
// text (--param k=v, --from, --to, --tz), checked here, and bound to the SQL as typed prepared-statement
// parameters ($name). The check says which parameter and what is wrong.
import { BIGINT, BOOLEAN, DATE, DOUBLE, VARCHAR, dateValue, type DuckDBPreparedStatement, type DuckDBType } from '@duckdb/node-api';
import { UsageError } from '../util/errors.js';

export type ParamType = 'integer' | 'number' | 'string' | 'date' | 'isoweek' | 'boolean';
export const PARAM_TYPES: readonly ParamType[] = ['integer', 'number', 'string', 'date', 'isoweek', 'boolean'];

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** Used when the run does not give the parameter; null binds SQL NULL. */
  readonly default: string | number | boolean | null;
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
}

/** A checked value: what SQL gets (`value`, null for NULL) and how people see it (`shown`). */
export interface ParamValue {
  readonly type: ParamType;
  readonly value: string | number | boolean | null;
  readonly shown: string | number | boolean | null;
}

/** Every report has these; they come from --from, --to and --tz rather than --param. */
export const STANDARD_PARAMS: readonly ParamSpec[] = [
  { name: 'from', type: 'date', default: null, description: 'first day of the range (YYYY-MM-DD, in --tz); default: no lower bound' },
  { name: 'to', type: 'date', default: null, description: 'last day of the range, inclusive (YYYY-MM-DD, in --tz); default: no upper bound' },
  { name: 'tz', type: 'string', default: 'UTC', description: 'time zone of hours, days and weeks (an IANA name such as Europe/Berlin)' },
];

const DAY_MS = 86_400_000;

/** The last day a range may end on: the instant after it must still be a year of four digits. */
export const LAST_DAY = '9998-12-31';

/** Days since 1970-01-01 of a valid YYYY-MM-DD, else null. */
export function parseDate(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === s ? ms / DAY_MS : null;
}

/** The Monday (days since epoch) of an ISO week YYYY-Www, else null (also for W53 of a 52-week year). */
export function parseIsoWeek(s: string): number | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4) / DAY_MS;
  const isoDow = (d: number): number => ((((d + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
  const monday1 = jan4 - (isoDow(jan4) - 1);
  const nextMonday1 = Date.UTC(year + 1, 0, 4) / DAY_MS - (isoDow(Date.UTC(year + 1, 0, 4) / DAY_MS) - 1);
  const weeks = (nextMonday1 - monday1) / 7;
  return week >= 1 && week <= weeks ? monday1 + (week - 1) * 7 : null;
}

const isoDay = (days: number): string => new Date(days * DAY_MS).toISOString().slice(0, 10);

const EXPECT: Record<ParamType, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  date: 'a date YYYY-MM-DD',
  isoweek: 'an ISO week YYYY-Www, e.g. 2025-W13',
  boolean: 'true or false',
};

/** Checks one value against its declaration: the typed value, or what is wrong with it. */
export function checkParam(spec: ParamSpec, raw: string | number | boolean | null): ParamValue | { error: string } {
  if (raw === null) return { type: spec.type, value: null, shown: null };
  const text = String(raw).trim();
  const bad = { error: `expected ${EXPECT[spec.type]}, got "${String(raw)}"` };
  const range = (x: number): { error: string } | null => {
    if (spec.min !== undefined && x < spec.min) return { error: `must be at least ${spec.min}, got ${x}` };
    if (spec.max !== undefined && x > spec.max) return { error: `must be at most ${spec.max}, got ${x}` };
    return null;
  };
  switch (spec.type) {
    case 'integer': {
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) return bad;
      const x = Number(text);
      return range(x) ?? { type: spec.type, value: x, shown: x };
    }
    case 'number': {
      const x = text === '' ? NaN : Number(text);
      if (!Number.isFinite(x)) return bad;
      return range(x) ?? { type: spec.type, value: x, shown: x };
    }
    case 'string':
      return { type: spec.type, value: String(raw), shown: String(raw) };
    case 'boolean': {
      const t = text.toLowerCase();
      if (['true', '1', 'yes'].includes(t)) return { type: spec.type, value: true, shown: true };
      if (['false', '0', 'no'].includes(t)) return { type: spec.type, value: false, shown: false };
      return bad;
    }
    case 'date': {
      const d = parseDate(text);
      return d === null ? bad : { type: spec.type, value: d, shown: text };
    }
    case 'isoweek': {
      const d = parseIsoWeek(text);
      if (d === null) return /^\d{4}-W\d{2}$/.test(text) ? { error: `${text} is not a week of that year` } : bad;
      return { type: spec.type, value: d, shown: `${text} (from ${isoDay(d)})` };
    }
  }
}

const SQL_TYPE: Record<ParamType, DuckDBType> = { integer: BIGINT, number: DOUBLE, string: VARCHAR, date: DATE, isoweek: DATE, boolean: BOOLEAN };

/** Binds a checked value to `$name` of a prepared statement with its SQL type (DATE for dates and weeks). */
export function bindParam(stmt: DuckDBPreparedStatement, index: number, v: ParamValue): void {
  if (v.value === null) return stmt.bindValue(index, null, SQL_TYPE[v.type]);
  switch (v.type) {
    case 'integer':
      return stmt.bindBigInt(index, BigInt(v.value as number));
    case 'number':
      return stmt.bindDouble(index, v.value as number);
    case 'string':
      return stmt.bindVarchar(index, v.value as string);
    case 'boolean':
      return stmt.bindBoolean(index, v.value as boolean);
    case 'date':
    case 'isoweek':
      return stmt.bindDate(index, dateValue(v.value as number));
  }
}

/** `--param k=v` values (repeatable) into an object. */
export function parseParamPairs(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(v);
    if (!m) throw new UsageError(`--param expects name=value, got "${v}"`, { hint: 'e.g. --param threshold=0.5 --param week=2025-W13' });
    out[m[1]!] = m[2]!.trim();
  }
  return out;
}
