// The engine's settings, parsed once into a frozen object: allowed lateness, every view's windows and
// the profile sizes. A checkpoint records them, and resuming with different settings is refused (the
// state would mean something else).
import { UsageError } from '../util/errors.js';

export interface WindowSpec {
  /** Window length in ms. */
  readonly size: number;
  /** Distance between window starts in ms (= size for tumbling windows). */
  readonly slide: number;
}

export interface EngineConfig {
  /** Allowed lateness in ms: the watermark is the largest event time seen minus this. */
  readonly lateness: number;
  readonly trending: WindowSpec & { readonly top: number };
  readonly actions: WindowSpec;
  readonly active: WindowSpec;
  /** Inactivity gap that closes a session, ms. */
  readonly sessionGap: number;
  /** Event-time bucket of the late_listens view, ms. */
  readonly lateBucket: number;
  readonly profiles: {
    /** Artist slots kept per user (Space-Saving summary; top artists are estimates beyond this many). */
    readonly artistSlots: number;
    /** A mood is one of a user's mood tags when at least this share of their plays with a mood has it. */
    readonly moodTagShare: number;
  };
}

export const DEFAULT_CONFIG: EngineConfig = Object.freeze({
  lateness: 10_000,
  trending: Object.freeze({ size: 300_000, slide: 60_000, top: 50 }),
  actions: Object.freeze({ size: 30_000, slide: 10_000 }),
  active: Object.freeze({ size: 120_000, slide: 30_000 }),
  sessionGap: 1_800_000,
  lateBucket: 3_600_000,
  profiles: Object.freeze({ artistSlots: 16, moodTagShare: 0.25 }),
});

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `10s`, `5m`, `1h`, `2d` or a plain number of ms. */
export function parseDuration(text: string, what = 'duration'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$/.exec(text);
  if (!m) throw new UsageError(`${what}: "${text}" is not a duration`, { hint: 'write e.g. 500ms, 10s, 5m, 1h' });
  const ms = Number(m[1]) * (UNITS[m[2] ?? 'ms'] ?? 1);
  if (!Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) throw new UsageError(`${what}: "${text}" is not a whole number of milliseconds`);
  return ms;
}

export function formatDuration(ms: number): string {
  for (const [u, f] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms >= f && ms % f === 0) return `${ms / f}${u}`;
  return `${ms}ms`;
}

export interface ConfigInput {
  lateness?: string;
  /** `view=SIZE/SLIDE` (or `view=SIZE` for tumbling), view one of trending, actions, active. */
  windows?: readonly string[];
  sessionGap?: string;
  top?: number;
  artistSlots?: number;
}

function checkWindow(name: string, w: WindowSpec): WindowSpec {
  if (!(w.size > 0 && w.slide > 0)) throw new UsageError(`window ${name}: size and slide must be positive`);
  if (w.slide > w.size) throw new UsageError(`window ${name}: the slide (${formatDuration(w.slide)}) is longer than the window (${formatDuration(w.size)})`, { hint: 'windows would leave gaps; use a slide up to the size' });
  return Object.freeze({ ...w });
}

/** Flags into a frozen config; contradictions fail here, at start-up, with the option named. */
export function parseConfig(input: ConfigInput = {}, base: EngineConfig = DEFAULT_CONFIG): EngineConfig {
  const windows: Record<'trending' | 'actions' | 'active', WindowSpec> = { trending: base.trending, actions: base.actions, active: base.active };
  for (const spec of input.windows ?? []) {
    const m = /^(trending|actions|active)=([^/]+)(?:\/(.+))?$/.exec(spec.trim());
    if (!m) throw new UsageError(`--window "${spec}": expected NAME=SIZE/SLIDE with NAME one of trending, actions, active`, { hint: 'e.g. --window trending=10m/2m --window actions=1m' });
    const size = parseDuration(m[2]!, `--window ${m[1]}`);
    const slide = m[3] ? parseDuration(m[3], `--window ${m[1]}`) : size;
    windows[m[1] as keyof typeof windows] = { size, slide };
  }
  const top = input.top ?? base.trending.top;
  if (!Number.isInteger(top) || top < 1 || top > 10_000) throw new UsageError(`--top must be an integer from 1 to 10000, got ${top}`);
  const artistSlots = input.artistSlots ?? base.profiles.artistSlots;
  if (!Number.isInteger(artistSlots) || artistSlots < 3 || artistSlots > 256) throw new UsageError(`artist slots must be 3 to 256, got ${artistSlots}`);
  const sessionGap = input.sessionGap ? parseDuration(input.sessionGap, '--session-gap') : base.sessionGap;
  if (sessionGap <= 0) throw new UsageError('--session-gap must be positive');
  return Object.freeze({
    lateness: input.lateness ? parseDuration(input.lateness, '--lateness') : base.lateness,
    trending: Object.freeze({ ...checkWindow('trending', windows.trending), top }),
    actions: checkWindow('actions', windows.actions),
    active: checkWindow('active', windows.active),
    sessionGap,
    lateBucket: base.lateBucket,
    profiles: Object.freeze({ artistSlots, moodTagShare: base.profiles.moodTagShare }),
  });
}

/** Greatest common divisor: the pane length of a hopping window. */
export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
