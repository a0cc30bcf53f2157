// What makes a listen valid: the one list of rules, each spelled in SQL (run over staged rows during
// import) and in TypeScript (for records that arrive one at a time). Formats check their own syntax
// (is this a timestamp?); these rules check meaning (is this a plausible listen?).

export interface ListenLike {
  user_id?: string | null;
  listened_at?: number | null; // epoch ms
  ms_played?: number | null;
  action?: string | null;
  track_key?: string | null;
}

export interface Rule {
  readonly field: string;
  /** SQL that is TRUE when a row breaks the rule; `c(name)` spells a canonical column (track_key included). */
  readonly sql: (c: (name: string) => string) => string;
  /** The same test in TypeScript. */
  readonly bad: (l: ListenLike, nowMs: number) => boolean;
  /** What was expected, shown in the reject. */
  readonly expected: string;
}

export const ACTIONS = ['play', 'pause', 'skip', 'complete'] as const;
export type Action = (typeof ACTIONS)[number];

/** Earliest plausible listen: the year 2000. Later than a day from now is impossible too. */
export const MIN_LISTEN_MS = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;
export const MAX_MS_PLAYED = DAY_MS;

export const LISTEN_RULES: readonly Rule[] = [
  {
    field: 'user_id',
    sql: (c) => `(${c('user_id')} IS NULL OR ${c('user_id')} = '' OR (starts_with(${c('user_id')}, ' ') AND trim(${c('user_id')}) = ''))`,
    bad: (l) => l.user_id === null || l.user_id === undefined || l.user_id.trim() === '',
    expected: 'a user id (pass --user ID for exports that do not name one)',
  },
  {
    field: 'user_id',
    sql: (c) => `length(${c('user_id')}) > 256`,
    bad: (l) => (l.user_id ?? '').length > 256,
    expected: 'a user id of at most 256 characters',
  },
  {
    field: 'listened_at',
    sql: (c) => `${c('listened_at')} IS NULL`,
    bad: (l) => l.listened_at === null || l.listened_at === undefined || Number.isNaN(l.listened_at),
    expected: 'a start time',
  },
  {
    field: 'listened_at',
    sql: (c) => `(${c('listened_at')} < TIMESTAMPTZ '2000-01-01 00:00:00+00' OR ${c('listened_at')} > now() + INTERVAL 1 DAY)`,
    bad: (l, now) => l.listened_at !== null && l.listened_at !== undefined && (l.listened_at < MIN_LISTEN_MS || l.listened_at > now + DAY_MS),
    expected: 'a time between 2000-01-01 and tomorrow',
  },
  {
    field: 'track',
    sql: (c) => `${c('track_key')} IS NULL`,
    bad: (l) => l.track_key === null || l.track_key === undefined,
    expected: 'a track: a name or an id (Spotify URI, ISRC, MBID or song id)',
  },
  {
    field: 'ms_played',
    sql: (c) => `(${c('ms_played')} < 0 OR ${c('ms_played')} > ${MAX_MS_PLAYED})`,
    bad: (l) => l.ms_played !== null && l.ms_played !== undefined && (l.ms_played < 0 || l.ms_played > MAX_MS_PLAYED),
    expected: 'milliseconds played between 0 and 24 hours',
  },
  {
    field: 'action',
    sql: (c) => `(${c('action')} IS NOT NULL AND ${c('action')} NOT IN (${ACTIONS.map((a) => `'${a}'`).join(', ')}))`,
    bad: (l) => l.action !== null && l.action !== undefined && !(ACTIONS as readonly string[]).includes(l.action),
    expected: `an action: ${ACTIONS.join(', ')}`,
  },
];

/** The first broken rule, or null when the listen is valid. */
export function checkListen(l: ListenLike, nowMs = Date.now()): { field: string; reason: string } | null {
  for (const r of LISTEN_RULES) if (r.bad(l, nowMs)) return { field: r.field, reason: `expected ${r.expected}` };
  return null;
}
