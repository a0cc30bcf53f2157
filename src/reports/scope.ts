// The range a run looks at, made into two views and a macro every report may read:
//   range_listens  = listens with listened_at in [--from 00:00, --to + 1 day 00:00) of --tz, plus
//                    local_at (TIMESTAMP: listened_at as wall-clock time in --tz, for hours, days, weeks)
//   report_range   = one row: from_at, to_at (TIMESTAMPTZ or NULL), tz, from_date, to_date
//   report_local(ts) = a TIMESTAMPTZ as wall-clock time in --tz (what local_at is made with)
// The bounds are checked here once (dates parse, --from ≤ --to, the zone is one DuckDB knows) and then
// written into the views as literals. For UTC, local time is plain arithmetic on the epoch, which is
// several times faster than DuckDB's ICU time-zone conversion over millions of rows.
import type { DuckDBConnection } from '@duckdb/node-api';
import { lit } from '../util/db.js';
import { UsageError } from '../util/errors.js';
import { LAST_DAY, parseDate } from './params.js';

export interface RunRange {
  readonly from: string | null;
  readonly to: string | null;
  readonly tz: string;
  /** First instant in range (UTC ISO), or null. */
  readonly fromAt: string | null;
  /** First instant after the range (UTC ISO), or null. */
  readonly toAt: string | null;
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu', 'GMT', 'Etc/GMT', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0', 'GMT0', 'GMT+0', 'GMT-0', 'Etc/Greenwich', 'Greenwich']);

// The zones DuckDB knows, by lower-case name (listing them takes ~10 ms, and the server checks a zone
// per request). The list is ICU's, fixed for the life of the process.
let zones: Promise<Map<string, string[]>> | undefined;

function zoneNames(conn: DuckDBConnection): Promise<Map<string, string[]>> {
  zones ??= conn.runAndReadAll('SELECT name FROM pg_timezone_names() ORDER BY name').then((r) => {
    const m = new Map<string, string[]>();
    for (const [name] of r.getRows()) {
      const key = String(name).toLowerCase();
      m.set(key, [...(m.get(key) ?? []), String(name)]);
    }
    return m;
  });
  zones.catch(() => (zones = undefined));
  return zones;
}

/** Checks --from, --to, --tz; throws a UsageError naming the flag. */
export async function resolveRange(conn: DuckDBConnection, o: { from?: string | undefined; to?: string | undefined; tz?: string | undefined }): Promise<RunRange> {
  const tzIn = (o.tz ?? 'UTC').trim();
  const named = (await zoneNames(conn)).get(tzIn.toLowerCase()) ?? [];
  const found = named.includes(tzIn) ? tzIn : named[0];
  if (found === undefined) {
    throw new UsageError(`--tz: unknown time zone "${tzIn}"`, { hint: 'use an IANA name such as UTC, Europe/Berlin or America/New_York (SELECT name FROM pg_timezone_names() lists them)' });
  }
  const tz = found;
  for (const [flag, v] of [['--from', o.from], ['--to', o.to]] as const) {
    if (v !== undefined && parseDate(v) === null) throw new UsageError(`${flag}: expected a date YYYY-MM-DD, got "${v}"`);
    if (v !== undefined && v > LAST_DAY) throw new UsageError(`${flag}: dates go up to ${LAST_DAY}, got "${v}"`);
  }
  if (o.from && o.to && o.from > o.to) throw new UsageError(`--from ${o.from} is after --to ${o.to}`);
  /** The instant a local midnight in tz falls on, as UTC ISO. */
  const instant = async (day: string, plusDays: number): Promise<string> => {
    const sql = `SELECT epoch_ms(timezone(${lit(tz)}, DATE ${lit(day)} + INTERVAL ${plusDays} DAY))`;
    const ms = Number((await conn.runAndReadAll(sql)).getRows()[0]?.[0]);
    return new Date(ms).toISOString();
  };
  return {
    from: o.from ?? null,
    to: o.to ?? null,
    tz,
    fromAt: o.from ? await instant(o.from, 0) : null,
    toAt: o.to ? await instant(o.to, 1) : null,
  };
}

/** SQL for listened_at as wall-clock time in the zone. */
export function localTime(tz: string, col = 'listened_at'): string {
  return UTC_NAMES.has(tz) ? `make_timestamp(epoch_us(${col}))` : `timezone(${lit(tz)}, ${col})`;
}

const scoped = new WeakMap<DuckDBConnection, string>();

/** Creates the temp views range_listens and report_range and the macro report_local on the connection (after attachLake). */
export async function createScope(conn: DuckDBConnection, r: RunRange): Promise<void> {
  // A connection keeps its views: the server's readers answer most requests for the same range, and
  // (re)creating the views binds the whole lake again. The views name `listens`, so a lake that has
  // changed since is still what they read.
  const key = JSON.stringify(r);
  if (scoped.get(conn) === key) return;
  scoped.delete(conn);
  const ts = (iso: string | null): string => (iso ? `TIMESTAMPTZ ${lit(iso)}` : 'NULL::TIMESTAMPTZ');
  const where: string[] = [];
  if (r.fromAt) where.push(`listened_at >= ${ts(r.fromAt)}`, `dt >= DATE ${lit(r.fromAt.slice(0, 10))}`);
  if (r.toAt) where.push(`listened_at < ${ts(r.toAt)}`, `dt <= DATE ${lit(r.toAt.slice(0, 10))}`);
  await conn.run(`CREATE OR REPLACE TEMP MACRO report_local(ts) AS ${localTime(r.tz, 'ts')}`);
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW range_listens AS SELECT *, report_local(listened_at) AS local_at FROM listens${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
  );
  const day = (d: string | null): string => (d ? `DATE ${lit(d)}` : 'NULL::DATE');
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW report_range AS SELECT ${ts(r.fromAt)} AS from_at, ${ts(r.toAt)} AS to_at, ${lit(r.tz)} AS tz, ${day(r.from)} AS from_date, ${day(r.to)} AS to_date`,
  );
  scoped.set(conn, key);
}
