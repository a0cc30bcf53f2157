// Item-to-item similarity from co-listening (cosine with shrinkage, src/recs/item-item.ts) as a strategy:
// "because you played X" names the played item that contributed most to a recommendation.
import { mapValues, transpose, type Csr } from '../matrix.js';
import { itemItemScores, trainItemItem } from '../item-item.js';
import { itemLabel, type Model, type RecsContext, type Saved, type Strategy } from '../types.js';

/** Co-listening counts each listener once per item (binary): log weights did no better on HetRec (docs/ml.md). */
const binary = (m: Csr): Csr => mapValues(m, () => 1);

function model(ctx: RecsContext, sim: Csr, shrink: number, neighbours: number): Model {
  return {
    strategy: 'item-item',
    score(h) {
      const { scores, because } = itemItemScores(sim, h.items, new Float32Array(h.items.length).fill(1));
      for (let i = 0; i < scores.length; i++) if (scores[i] === 0) scores[i] = NaN;
      return { scores, reason: (i) => (because[i]! >= 0 ? `because you played ${itemLabel(ctx, because[i]!)}` : 'similar to what you play') };
    },
    save: (): Saved => ({ meta: { shrink, neighbours }, arrays: { indptr: sim.indptr, indices: sim.indices, values: sim.values } }),
  };
}

export const itemItem: Strategy = {
  name: 'item-item',
  description: 'items played by the same listeners (cosine with shrinkage): "because you played X"',
  train(ctx, opts) {
    const b = binary(ctx.interactions);
    const sim = trainItemItem(b, transpose(b), opts.itemItem, (d, t) => opts.onProgress?.('item-item', d / t));
    return model(ctx, sim, opts.itemItem.shrink, opts.itemItem.neighbours);
  },
  load(ctx, s) {
    const n = ctx.items.keys.length;
    const sim: Csr = { rows: n, cols: n, indptr: s.arrays['indptr'] as Int32Array, indices: s.arrays['indices'] as Int32Array, values: s.arrays['values'] as Float32Array };
    return model(ctx, sim, Number(s.meta['shrink']), Number(s.meta['neighbours']));
  },
};
