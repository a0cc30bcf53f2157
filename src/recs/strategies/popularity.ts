// Popularity: every user gets the items most listeners played. The baseline every other strategy must beat,
// and the fallback when a strategy has nothing to say (no history, no audio features, no moods).
import type { Model, RecsContext, Strategy } from '../types.js';

function model(ctx: RecsContext): Model {
  const scores = Float32Array.from(ctx.popularity);
  return {
    strategy: 'popularity',
    score: () => ({ scores, reason: (i) => `popular: ${ctx.popularity[i]!.toLocaleString('en-US')} listener${ctx.popularity[i] === 1 ? '' : 's'}` }),
    save: () => ({ meta: {}, arrays: {} }),
  };
}

export const popularity: Strategy = {
  name: 'popularity',
  description: 'the items most listeners played (the baseline)',
  train: (ctx) => model(ctx),
  load: (ctx) => model(ctx),
};
