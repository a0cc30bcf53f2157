// Offline evaluation: hold out each user's latest listens (time split) or a random share of their
// pairs, train every strategy on the rest, and score each strategy's top-k lists against what the
// users went on to play: precision, recall, NDCG, MAP at k, catalogue coverage and training time.
import { loadDataset, type RecsSource, type SplitKind } from './data.js';
import { buildContext } from './context.js';
import { evaluateLists, type RankingMetrics } from './metrics.js';
import { selectFor } from './select.js';
import { trainAll, TRAIN_DEFAULTS } from './train.js';
import { historyOf, STRATEGIES, type StrategyName, type TrainOptions } from './types.js';

export interface EvaluateOptions {
  readonly split?: 'auto' | SplitKind;
  readonly k?: number;
  readonly testShare?: number;
  readonly seed?: number;
  readonly source?: 'auto' | RecsSource;
  readonly strategies?: readonly StrategyName[];
  readonly train?: TrainOptions;
  readonly onProgress?: (label: string, fraction: number) => void;
}

export interface EvaluationRow extends RankingMetrics {
  readonly strategy: StrategyName;
  readonly train_seconds: number;
}

export interface Evaluation {
  readonly source: RecsSource;
  readonly split: SplitKind;
  readonly test_share: number;
  readonly seed: number;
  readonly k: number;
  readonly users: number;
  readonly items: number;
  readonly train_pairs: number;
  readonly test_pairs: number;
  readonly rows: EvaluationRow[];
}

export async function evaluate(dataDir: string, o: EvaluateOptions = {}): Promise<Evaluation> {
  const k = o.k ?? 10;
  const testShare = o.testShare ?? 0.2;
  const seed = o.seed ?? 42;
  o.onProgress?.('loading', 0);
  // auto: a time split where there are play times, else random.
  let split: SplitKind = o.split === 'time' || o.split === 'random' ? o.split : 'time';
  let ds;
  try {
    ds = await loadDataset(dataDir, { source: o.source ?? 'auto', split: { kind: split, testShare, seed } });
  } catch (err) {
    if (o.split && o.split !== 'auto') throw err;
    split = 'random';
    ds = await loadDataset(dataDir, { source: o.source ?? 'auto', split: { kind: split, testShare, seed } });
  }
  const { ctx } = buildContext(ds);
  const trainOpts: TrainOptions = { ...(o.train ?? TRAIN_DEFAULTS), ...(o.onProgress ? { onProgress: o.onProgress } : {}) };
  const names = o.strategies ?? STRATEGIES;
  const { models, seconds } = trainAll(ctx, trainOpts, names);
  const relevant = new Map<number, Set<number>>();
  for (const p of ds.test) {
    const l = relevant.get(p.user) ?? new Set<number>();
    l.add(p.item);
    relevant.set(p.user, l);
  }
  // Only items the user had not played in training count: those are the ones a list may show.
  for (const [u, rel] of relevant) {
    for (const i of historyOf(ctx, u).items) rel.delete(i);
    if (!rel.size) relevant.delete(u);
  }
  const fallback = models.get('popularity')!;
  const rows: EvaluationRow[] = [];
  for (const name of names) {
    const model = models.get(name)!;
    const lists: { ranked: number[]; relevant: Set<number> }[] = [];
    let done = 0;
    for (const [u, rel] of relevant) {
      const h = historyOf(ctx, u);
      const recs = selectFor(ctx, model, fallback, h, { n: k, exclude: new Set(h.items), perArtist: 2 });
      lists.push({ ranked: recs.map((r) => r.item), relevant: rel });
      if ((++done & 255) === 0) o.onProgress?.(`scoring ${name}`, done / relevant.size);
    }
    rows.push({ strategy: name, ...evaluateLists(lists, k, ds.items.keys.length), train_seconds: seconds.get(name) ?? 0 });
  }
  return { source: ds.source, split, test_share: testShare, seed, k, users: ds.users.length, items: ds.items.keys.length, train_pairs: ds.train.length, test_pairs: ds.test.length, rows };
}
