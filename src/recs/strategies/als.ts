// Implicit ALS (src/recs/als.ts) as a strategy: confidence c = 1 + alpha · ln(1 + weight) from plays or
// minutes; scores are user · item factor products. A user without factors (no history) scores nothing.
import { mapValues, transpose } from '../matrix.js';
import { alsScores, trainAls, type AlsFactors } from '../als.js';
import type { Model, RecsContext, Saved, Strategy } from '../types.js';

function model(ctx: RecsContext, fa: AlsFactors, meta: Record<string, unknown>): Model {
  const f = fa.factors;
  return {
    strategy: 'als',
    score(h) {
      const n = ctx.items.keys.length;
      if (h.user < 0 || fa.user.subarray(h.user * f, h.user * f + f).every((v) => v === 0)) return { scores: new Float32Array(n).fill(NaN), reason: () => '' };
      return { scores: alsScores(fa, h.user), reason: () => 'popular with listeners like you' };
    },
    save: (): Saved => ({ meta: { ...meta, factors: f }, arrays: { user: fa.user, item: fa.item } }),
  };
}

export const als: Strategy = {
  name: 'als',
  description: 'implicit-feedback matrix factorisation (ALS with conjugate-gradient updates): "popular with listeners like you"',
  train(ctx, opts) {
    const c = mapValues(ctx.interactions, (w) => 1 + opts.alpha * Math.log1p(w));
    const fa = trainAls(c, transpose(c), opts.als, (d, t) => opts.onProgress?.('als', d / t));
    return model(ctx, fa, { ...opts.als, alpha: opts.alpha });
  },
  load(ctx, s) {
    return model(ctx, { factors: Number(s.meta['factors']), user: s.arrays['user'] as Float32Array, item: s.arrays['item'] as Float32Array }, s.meta);
  },
};
