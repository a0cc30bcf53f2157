// The blend: reciprocal-rank fusion of the other strategies' lists, weighted, with more weight on
// content and mood for listeners with little history. Each item keeps the reason of the strategy that
// contributed most to it, so a blended list says "because you played X" next to "matches your Chill evenings".
import { topIndices } from '../topn.js';
import type { Model, Scored, StrategyName, Strategy } from '../types.js';

/** Weight of each strategy in the blend: [with a history of at least THIN items, with less]. */
export const BLEND_WEIGHTS: Readonly<Partial<Record<StrategyName, readonly [number, number]>>> = Object.freeze({
  als: [1, 0.5],
  'item-item': [0.8, 0.5],
  content: [0.2, 0.8],
  mood: [0.15, 0.4],
  popularity: [0.05, 0.3],
});
const THIN = 5;
/** Each strategy's top this many items take part; RRF constant. */
const DEPTH = 200;
const RRF_K = 60;

function model(others: ReadonlyMap<StrategyName, Model>, n: number): Model {
  return {
    strategy: 'blend',
    score(h) {
      const scores = new Float32Array(n).fill(NaN);
      const best = new Float32Array(n);
      const from: Scored[] = [];
      const owner = new Int32Array(n).fill(-1);
      const exclude = new Set<number>(h.items);
      const thin = h.items.length < THIN ? 1 : 0;
      for (const [name, w] of Object.entries(BLEND_WEIGHTS) as [StrategyName, readonly [number, number]][]) {
        const m = others.get(name);
        if (!m) continue;
        const s = m.score(h);
        const k = from.push(s) - 1;
        topIndices(s.scores, DEPTH, exclude).forEach((i, rank) => {
          const c = w[thin]! / (RRF_K + rank);
          scores[i] = (Number.isNaN(scores[i]!) ? 0 : scores[i]!) + c;
          if (c > best[i]!) {
            best[i] = c;
            owner[i] = k;
          }
        });
      }
      return { scores, reason: (i) => (owner[i]! >= 0 ? from[owner[i]!]!.reason(i) : '') };
    },
    save: () => ({ meta: { weights: BLEND_WEIGHTS, thin: THIN, depth: DEPTH, rrf_k: RRF_K }, arrays: {} }),
  };
}

export const blend: Strategy = {
  name: 'blend',
  description: 'all of the above fused by rank, each recommendation with its reason',
  train: (ctx, _o, others) => model(others, ctx.items.keys.length),
  load: (ctx, _s, others) => model(others, ctx.items.keys.length),
};
