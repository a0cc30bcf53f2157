// Moods: the catalogue's own mood when it has one, else one derived from valence and energy with
// documented, configurable thresholds (docs/ml.md), and per-user mood tags weighted by time played.
// The rule is written once in TypeScript and once as SQL (for the lake); a test holds them equal.
import { lit } from '../util/db.js';
import { UsageError } from '../util/errors.js';

export const MOODS = ['Happy', 'Energetic', 'Chill', 'Sad'] as const;

export interface MoodThresholds {
  /** Valence at or above this is positive (Happy or Chill). */
  readonly valence: number;
  /** Energy at or above this is high (Happy or Energetic). */
  readonly energy: number;
}

export interface MoodOptions {
  readonly thresholds: MoodThresholds;
  /** A mood becomes one of a user's tags when at least this share of their time with a known mood has it. */
  readonly tagShare: number;
  /** Time a play counts for when the source gives no ms_played and the track no duration. */
  readonly defaultPlayMs: number;
}

export const DEFAULT_MOOD_OPTIONS: MoodOptions = Object.freeze({
  thresholds: Object.freeze({ valence: 0.5, energy: 0.5 }),
  tagShare: 0.25,
  defaultPlayMs: 180_000,
});

/** Checks thresholds and share are in 0..1, naming the flag at fault. */
export function moodOptions(o: { valence?: number; energy?: number; tagShare?: number } = {}): MoodOptions {
  const check = (v: number | undefined, name: string, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new UsageError(`${name} must be a number between 0 and 1, got ${v}`, { hint: `e.g. ${name} ${dflt}` });
    return v;
  };
  const d = DEFAULT_MOOD_OPTIONS;
  return Object.freeze({
    thresholds: Object.freeze({ valence: check(o.valence, '--mood-valence', d.thresholds.valence), energy: check(o.energy, '--mood-energy', d.thresholds.energy) }),
    tagShare: check(o.tagShare, '--tag-share', d.tagShare),
    defaultPlayMs: d.defaultPlayMs,
  });
}

/** A catalogue mood spelled the house way ("happy " → "Happy"); null when blank. */
export function normaliseMood(m: string | null | undefined): string | null {
  const s = (m ?? '').trim();
  return s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : null;
}

/** Mood from valence and energy: Happy (high, high), Energetic (low valence, high energy), Chill (high valence, low energy), Sad (low, low). */
export function deriveMood(valence: number | null | undefined, energy: number | null | undefined, t: MoodThresholds = DEFAULT_MOOD_OPTIONS.thresholds): string | null {
  if (valence === null || valence === undefined || energy === null || energy === undefined || !Number.isFinite(valence) || !Number.isFinite(energy)) return null;
  if (energy >= t.energy) return valence >= t.valence ? 'Happy' : 'Energetic';
  return valence >= t.valence ? 'Chill' : 'Sad';
}

/** The catalogue's mood, else the derived one, else null. */
export function trackMood(catalogue: string | null | undefined, valence: number | null | undefined, energy: number | null | undefined, t?: MoodThresholds): string | null {
  return normaliseMood(catalogue) ?? deriveMood(valence, energy, t);
}

/** The same rule as trackMood in SQL, over a tracks row aliased `t`. */
export function moodSql(t: MoodThresholds, alias = 't'): string {
  const a = (c: string) => `${alias}."${c}"`;
  const v = Number(t.valence);
  const e = Number(t.energy);
  return `CASE WHEN nullif(trim(${a('mood')}), '') IS NOT NULL THEN upper(left(trim(${a('mood')}), 1)) || lower(substr(trim(${a('mood')}), 2))
    WHEN ${a('valence')} IS NULL OR ${a('energy')} IS NULL OR isnan(${a('valence')}) OR isnan(${a('energy')}) THEN NULL
    WHEN ${a('energy')} >= ${e} THEN CASE WHEN ${a('valence')} >= ${v} THEN 'Happy' ELSE 'Energetic' END
    WHEN ${a('valence')} >= ${v} THEN 'Chill' ELSE 'Sad' END`;
}

/** Part of the day of an hour (0–23): how reasons speak of when a user plays a mood. */
export function partOfDay(hour: number): 'mornings' | 'afternoons' | 'evenings' | 'nights' {
  if (hour >= 5 && hour < 12) return 'mornings';
  if (hour >= 12 && hour < 17) return 'afternoons';
  if (hour >= 17 && hour < 22) return 'evenings';
  return 'nights';
}

/** SQL: part of the day of a timestamp expression, as partOfDay. */
export function partOfDaySql(ts: string): string {
  return `CASE WHEN hour(${ts}) BETWEEN 5 AND 11 THEN 'mornings' WHEN hour(${ts}) BETWEEN 12 AND 16 THEN 'afternoons' WHEN hour(${ts}) BETWEEN 17 AND 21 THEN 'evenings' ELSE 'nights' END`;
}

/** One mood in a user's listening: share of time, minutes, plays and the part of the day they play it most. */
export interface UserMood {
  readonly mood: string;
  readonly share: number;
  readonly minutes: number;
  readonly plays: number;
  readonly part_of_day: string;
  /** Whether this mood is one of the user's tags (share ≥ tagShare, or their top mood). */
  readonly tag: boolean;
}

/**
 * SQL giving, per user and mood, plays, minutes, share of the user's time with a known mood and the
 * part of the day with the most time; `where` filters listens (e.g. one user).
 */
export function userMoodsSql(o: MoodOptions, where = 'TRUE'): string {
  const ms = `coalesce(l.ms_played, t.duration_ms, ${Math.round(o.defaultPlayMs)})`;
  return `WITH m AS (
      SELECT l.user_id, ${moodSql(o.thresholds)} AS mood, ${ms} AS ms, ${partOfDaySql('l.listened_at')} AS pod
      FROM listens l LEFT JOIN (SELECT * FROM tracks QUALIFY row_number() OVER (PARTITION BY track_key) = 1) t USING (track_key)
      WHERE ${where}),
    by_pod AS (SELECT user_id, mood, pod, sum(ms) AS ms FROM m WHERE mood IS NOT NULL GROUP BY ALL),
    pods AS (SELECT user_id, mood, arg_max(pod, ms) AS part_of_day FROM by_pod GROUP BY ALL),
    agg AS (SELECT user_id, mood, count(*) AS plays, sum(ms) AS ms FROM m WHERE mood IS NOT NULL GROUP BY ALL)
    SELECT a.user_id, a.mood, a.plays, a.ms / 60000.0 AS minutes, a.ms / sum(a.ms) OVER (PARTITION BY a.user_id) AS share, p.part_of_day
    FROM agg a JOIN pods p USING (user_id, mood) ORDER BY a.user_id, share DESC, a.mood`;
}

/** Rows of userMoodsSql for one user → UserMood list with tags marked. */
export function toUserMoods(rows: readonly Record<string, unknown>[], tagShare: number): UserMood[] {
  return rows.map((r, i) => {
    const share = Number(r['share']);
    return { mood: String(r['mood']), share, minutes: Number(r['minutes']), plays: Number(r['plays']), part_of_day: String(r['part_of_day']), tag: i === 0 || share >= tagShare };
  });
}

export const userFilter = (user: string): string => `l.user_id = ${lit(user)}`;
