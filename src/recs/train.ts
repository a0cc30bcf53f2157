// Trains every strategy (or the named ones) on a context, timing each, in registry order.
import { ALS_DEFAULTS } from './als.js';
import { ITEM_ITEM_DEFAULTS } from './item-item.js';
import { DEFAULT_MOOD_OPTIONS } from '../ml/moods.js';
import { STRATEGY_LIST } from './strategies/index.js';
import type { Model, RecsContext, StrategyName, TrainOptions } from './types.js';

export const TRAIN_DEFAULTS: TrainOptions = Object.freeze({
  als: Object.freeze({ ...ALS_DEFAULTS }),
  alpha: 1,
  itemItem: ITEM_ITEM_DEFAULTS,
  tagShare: DEFAULT_MOOD_OPTIONS.tagShare,
});

export interface Trained {
  readonly models: Map<StrategyName, Model>;
  readonly seconds: Map<StrategyName, number>;
}

/** Trains the strategies in `names` (all by default; the blend pulls in everything it fuses). */
export function trainAll(ctx: RecsContext, opts: TrainOptions = TRAIN_DEFAULTS, names?: readonly StrategyName[]): Trained {
  const want = new Set<StrategyName>(names ?? STRATEGY_LIST.map((s) => s.name));
  want.add('popularity');
  if (want.has('blend')) for (const s of STRATEGY_LIST) want.add(s.name);
  const models = new Map<StrategyName, Model>();
  const seconds = new Map<StrategyName, number>();
  for (const s of STRATEGY_LIST) {
    if (!want.has(s.name)) continue;
    opts.onProgress?.(s.name, 0);
    const t0 = performance.now();
    models.set(s.name, s.train(ctx, opts, models));
    seconds.set(s.name, (performance.now() - t0) / 1000);
    opts.onProgress?.(s.name, 1);
  }
  return { models, seconds };
}
