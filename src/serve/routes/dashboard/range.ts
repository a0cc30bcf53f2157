// The date range and small helpers every dashboard read shares: `from`/`to` as YYYY-MM-DD (inclusive,
// UTC days) turned into a WHERE clause on listens, checked once so no route splices raw text into SQL.
import { HttpError } from '../../http-error.js';
import { lit } from '../../../util/db.js';
import { LAST_DAY, parseDate } from '../../../reports/params.js';


export const rangeQuerySchema = {
  type: 'object',
  properties: {
    from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'first day (UTC), inclusive' },
    to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'last day (UTC), inclusive' },
    token: { type: 'string', description: 'the token, when no Authorization header can be sent' },
  },
} as const;

export interface DayRange {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** IANA zone the days are in (default UTC). */
  readonly tz?: string | undefined;
}

const ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** `WHERE …` (or '') restricting `listened_at` of alias `a` to the range. */
export function rangeWhere(r: DayRange, a = 'l'): string {
  const parts: string[] = [];
  for (const [k, v] of [['from', r.from], ['to', r.to]] as const) {
    if (v === undefined) continue;
    // parseDate, not Date.parse: JavaScript rolls 2024-02-30 over to March 1, which SQL then refuses (a 500).
    if (parseDate(v) === null || v > LAST_DAY) throw new HttpError(400, `${k} must be a date YYYY-MM-DD up to ${LAST_DAY}, not ${JSON.stringify(v)}.`);
  }
  if (r.from && r.to && r.from > r.to) throw new HttpError(400, `from (${r.from}) is after to (${r.to}).`);
  if (r.tz !== undefined && !ZONE.test(r.tz)) throw new HttpError(400, `tz must be a time zone name like Europe/Paris, not ${JSON.stringify(r.tz)}.`);
  const at = (day: string) => (r.tz && r.tz !== 'UTC' ? `timezone(${lit(r.tz)}, ${day})` : `CAST(${day} AS TIMESTAMPTZ)`);
  if (r.from) parts.push(`${a}.listened_at >= ${at(`${lit(r.from)}::TIMESTAMP`)}`);
  if (r.to) parts.push(`${a}.listened_at < ${at(`(${lit(r.to)}::DATE + INTERVAL 1 DAY)::TIMESTAMP`)}`);
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

/** A number from a DuckDB value (bigints and decimals come back as numbers or strings). */
export const num = (v: unknown): number => (typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v));

/** A JSON schema for an array of objects with the given properties (for responses). */
export function rowsOf(properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'array', items: { type: 'object', properties } };
}

export const N = { type: 'number' } as const;
export const S = { type: 'string' } as const;
export const NS = { type: ['string', 'null'] } as const;
export const NN = { type: ['number', 'null'] } as const;
