// The one interface every recommender implements: trained from a context (the interaction matrix,
// the items and what is known of them), it scores every item for a listening history and says why;
// it saves to and loads from plain arrays, so any process can serve it from DATA/recs/.
import type { Csr } from './matrix.js';
import type { ItemTable } from './data.js';

export const STRATEGIES = ['popularity', 'item-item', 'als', 'content', 'mood', 'blend'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** What a model is trained on and serves from (stored once for all strategies). */
export interface RecsContext {
  readonly users: readonly string[];
  readonly items: Omit<ItemTable, 'features'>;
  /** Scaled audio features, n × F (0 where unknown), and which items have them. */
  readonly features: Float32Array;
  readonly hasFeatures: Uint8Array;
  /** Users × items, raw weights (plays or minutes) of the training data. */
  readonly interactions: Csr;
  /** Listeners per item in the training data. */
  readonly popularity: Float32Array;
  /** Per user: their moods by share of time, with the part of day they play each most (empty when unknown). */
  readonly userMoods: ReadonlyMap<number, readonly { mood: string; share: number; part: string }[]>;
}

/** A listening history to recommend for: a known user's row (user ≥ 0) or any list of items. */
export interface History {
  readonly user: number;
  readonly items: Int32Array;
  readonly weights: Float32Array;
}

/** Scores of every item (NaN or −Infinity: this strategy has nothing to say) and why one was chosen. */
export interface Scored {
  readonly scores: Float32Array;
  reason(item: number): string;
}

export type SavedArrays = Record<string, Float32Array | Int32Array>;

export interface Saved {
  readonly meta: Record<string, unknown>;
  readonly arrays: SavedArrays;
}

export interface Model {
  readonly strategy: StrategyName;
  score(h: History): Scored;
  save(): Saved;
}

export interface TrainOptions {
  readonly als: import('./als.js').AlsOptions;
  /** ALS confidence: c = 1 + alpha · ln(1 + weight). */
  readonly alpha: number;
  readonly itemItem: import('./item-item.js').ItemItemOptions;
  readonly tagShare: number;
  readonly onProgress?: (label: string, fraction: number) => void;
}

export interface Strategy {
  readonly name: StrategyName;
  readonly description: string;
  train(ctx: RecsContext, opts: TrainOptions, others: ReadonlyMap<StrategyName, Model>): Model;
  load(ctx: RecsContext, saved: Saved, others: ReadonlyMap<StrategyName, Model>): Model;
}

/** The history of a known user from the context's interactions. */
export function historyOf(ctx: RecsContext, user: number): History {
  if (user < 0 || user >= ctx.interactions.rows) return { user: -1, items: new Int32Array(0), weights: new Float32Array(0) };
  const m = ctx.interactions;
  return { user, items: m.indices.subarray(m.indptr[user]!, m.indptr[user + 1]!), weights: m.values.subarray(m.indptr[user]!, m.indptr[user + 1]!) };
}

export const itemLabel = (ctx: RecsContext, i: number): string => {
  const t = ctx.items.titles[i] ?? ctx.items.keys[i]!;
  const a = ctx.items.artists[i];
  return ctx.items.kind === 'artist' || !a || a === t ? t : `${t} by ${a}`;
};
