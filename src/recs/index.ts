// The recommenders' public surface: train and store (`earshot recs train`), recommend for a user from
// the stored files (`earshot recs for`, the server), and evaluate (`earshot recs evaluate`).
import { queryLake } from '../lake/query.js';
import { DEFAULT_MOOD_OPTIONS, moodOptions, userMoodsSql, type MoodOptions } from '../ml/moods.js';
import { UsageError } from '../util/errors.js';
import { buildContext } from './context.js';
import { loadDataset, type RecsSource, type WeightKind } from './data.js';
import { selectFor } from './select.js';
import { currentGeneration, loadRecs, saveRecs, type Loaded } from './store.js';
import { trainAll, TRAIN_DEFAULTS } from './train.js';
import { historyOf, STRATEGIES, type History, type RecsContext, type StrategyName, type TrainOptions } from './types.js';

export { evaluate, type Evaluation, type EvaluationRow, type EvaluateOptions } from './evaluate.js';
export { STRATEGIES, type StrategyName } from './types.js';
export { RecsNotTrainedError } from './store.js';

export interface TrainRecsOptions {
  readonly source?: 'auto' | RecsSource;
  readonly weight?: 'auto' | WeightKind;
  readonly strategies?: readonly StrategyName[];
  readonly train?: TrainOptions;
  readonly mood?: MoodOptions;
  readonly onProgress?: (label: string, fraction: number) => void;
}

export interface TrainSummary {
  readonly generation: string;
  readonly source: RecsSource;
  readonly weight: WeightKind;
  readonly users: number;
  readonly items: number;
  readonly pairs: number;
  readonly seconds: Record<string, number>;
}

/** Per-user mood shares and parts of day from the lake's listens (empty for play counts). */
async function lakeUserMoods(dataDir: string, users: readonly string[], mood: MoodOptions): Promise<RecsContext['userMoods']> {
  const index = new Map(users.map((u, i) => [u, i]));
  const out = new Map<number, { mood: string; share: number; part: string }[]>();
  for (const r of (await queryLake(dataDir, userMoodsSql(mood))).rows) {
    const u = index.get(String(r['user_id']));
    if (u === undefined) continue;
    const l = out.get(u) ?? [];
    l.push({ mood: String(r['mood']), share: Number(r['share']), part: String(r['part_of_day']) });
    out.set(u, l);
  }
  return out;
}

/** Trains the strategies on everything in the lake and stores them as a new generation of DATA/recs/. */
export async function trainRecs(dataDir: string, o: TrainRecsOptions = {}): Promise<TrainSummary> {
  const mood = o.mood ?? DEFAULT_MOOD_OPTIONS;
  o.onProgress?.('loading the lake', 0);
  const ds = await loadDataset(dataDir, { source: o.source ?? 'auto', weight: o.weight ?? 'auto', mood });
  const moods = ds.source === 'listens' ? await lakeUserMoods(dataDir, ds.users, mood) : new Map();
  const { ctx, last, scaler } = buildContext(ds, moods);
  const opts: TrainOptions = { ...(o.train ?? TRAIN_DEFAULTS), tagShare: mood.tagShare, ...(o.onProgress ? { onProgress: o.onProgress } : {}) };
  const { models, seconds } = trainAll(ctx, opts, o.strategies ?? STRATEGIES);
  let latest = -Infinity;
  for (const t of last) if (t > latest) latest = t;
  const generation = saveRecs(
    dataDir,
    {
      trained_at: new Date().toISOString(),
      source: ds.source,
      weight: ds.weight,
      latest: Number.isFinite(latest) ? latest : null,
      scaler,
      strategies: Object.fromEntries([...seconds].map(([k, s]) => [k, { seconds: s, meta: {} }])),
    },
    ctx,
    last,
    models,
  );
  return { generation, source: ds.source, weight: ds.weight, users: ds.users.length, items: ds.items.keys.length, pairs: ds.train.length, seconds: Object.fromEntries(seconds) };
}

export interface RecommendOptions {
  readonly n?: number;
  readonly strategy?: StrategyName;
  /** Show items the user played within the last `recentDays` too (by default they are left out). */
  readonly includeRecent?: boolean;
  /** How far back "recent" reaches from the latest play in the data; play counts without times count every played item as recent. */
  readonly recentDays?: number;
  /** At most this many items by one artist (2). */
  readonly perArtist?: number;
}

export interface RecommendationRow {
  readonly track_key: string;
  readonly title: string | null;
  readonly artist: string | null;
  readonly score: number;
  readonly reason: string;
}

const cache = new Map<string, Loaded>();

/** The loaded live generation, cached per data directory until current.json names another. */
export function loadedRecs(dataDir: string): Loaded {
  const gen = currentGeneration(dataDir);
  const hit = cache.get(dataDir);
  if (hit && gen && hit.info.generation === gen) return hit;
  const l = loadRecs(dataDir);
  cache.set(dataDir, l);
  return l;
}

/** Recommendations for `user` from the stored models (a user with no history gets popular items, saying so). */
export function recommend(dataDir: string, user: string, o: RecommendOptions = {}): RecommendationRow[] {
  const n = o.n ?? 20;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`n must be a whole number ≥ 1, got ${n}`);
  const name = o.strategy ?? 'blend';
  if (!STRATEGIES.includes(name)) throw new UsageError(`unknown strategy "${name}"`, { hint: `one of ${STRATEGIES.join(', ')}` });
  const l = loadedRecs(dataDir);
  const model = l.models.get(name);
  if (!model) throw new UsageError(`strategy ${name} was not trained in ${l.info.generation}`, { hint: `earshot recs train --strategy ${name}` });
  const u = l.ctx.users.indexOf(user);
  const h: History = historyOf(l.ctx, u);
  const exclude = new Set<number>();
  if (!o.includeRecent && u >= 0) {
    const since = l.info.latest === null ? Infinity : l.info.latest - (o.recentDays ?? 30) * 86_400_000;
    const m = l.ctx.interactions;
    for (let k = m.indptr[u]!; k < m.indptr[u + 1]!; k++) {
      const t = l.last[k]!;
      if (Number.isNaN(t) || !Number.isFinite(since) || t >= since) exclude.add(m.indices[k]!);
    }
  }
  const recs = selectFor(l.ctx, model, l.models.get('popularity')!, h, { n, exclude, perArtist: o.perArtist ?? 2 });
  return recs.map((r) => ({ track_key: l.ctx.items.keys[r.item]!, title: l.ctx.items.titles[r.item] ?? null, artist: l.ctx.items.artists[r.item] ?? null, score: Math.round(r.score * 1e6) / 1e6, reason: r.reason }));
}

/** A user's mood tags from the lake's listens, weighted by time played (docs/ml.md). */
export async function userMoodTags(dataDir: string, user: string, o: { valence?: number; energy?: number; tagShare?: number } = {}): Promise<import('../ml/moods.js').UserMood[]> {
  const { toUserMoods, userFilter } = await import('../ml/moods.js');
  const mo = moodOptions(o);
  const rows = (await queryLake(dataDir, userMoodsSql(mo, userFilter(user)))).rows;
  return toUserMoods(rows, mo.tagShare);
}
