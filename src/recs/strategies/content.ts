// Content-based: a user's taste is the time-weighted mean of the scaled audio features of what they
// play; items score by cosine to it. Works with little history (one track is enough) and for items
// nobody has played yet; items without audio features are left to the other strategies.
import { F } from '../../ml/features.js';
import { describeScaled } from '../../ml/describe.js';
import type { History, Model, RecsContext, Strategy } from '../types.js';

function profile(ctx: RecsContext, h: History): Float64Array | null {
  const p = new Float64Array(F);
  let total = 0;
  for (let k = 0; k < h.items.length; k++) {
    const i = h.items[k]!;
    if (!ctx.hasFeatures[i]) continue;
    const w = Math.log1p(h.weights[k]!);
    for (let j = 0; j < F; j++) p[j]! += w * ctx.features[i * F + j]!;
    total += w;
  }
  if (!total) return null;
  for (let j = 0; j < F; j++) p[j]! /= total;
  return p;
}

function model(ctx: RecsContext): Model {
  return {
    strategy: 'content',
    score(h) {
      const n = ctx.items.keys.length;
      const scores = new Float32Array(n).fill(NaN);
      const p = profile(ctx, h);
      if (!p) return { scores, reason: () => '' };
      const pn = Math.hypot(...p) || 1;
      for (let i = 0; i < n; i++) {
        if (!ctx.hasFeatures[i]) continue;
        let d = 0;
        let q = 0;
        for (let j = 0; j < F; j++) {
          const v = ctx.features[i * F + j]!;
          d += v * p[j]!;
          q += v * v;
        }
        scores[i] = d / (pn * (Math.sqrt(q) || 1));
      }
      return { scores, reason: (i) => `sounds like what you play: ${describeScaled(ctx.features.subarray(i * F, i * F + F), 2)}` };
    },
    save: () => ({ meta: {}, arrays: {} }),
  };
}

export const content: Strategy = {
  name: 'content',
  description: 'closest in audio features to what you play (for new listeners and unplayed tracks)',
  train: (ctx) => model(ctx),
  load: (ctx) => model(ctx),
};
