// The seed's mood rule as one explicit strategy: a listener with a Sad tag (at least tagShare of their
// time with a known mood) gets Happy tracks ("happy songs for sad listeners"); anyone else gets tracks of
// their top mood. Within the mood, tracks rank by popularity and the listener's own genres.
import type { History, Model, RecsContext, Strategy } from '../types.js';

type MoodShare = { mood: string; share: number; part: string };

/** Mood shares of a history, by weight (the stored per-user ones, with parts of day, when the user is known). */
function moodsOf(ctx: RecsContext, h: History): MoodShare[] {
  const known = ctx.userMoods.get(h.user);
  if (known?.length) return [...known];
  const by = new Map<string, number>();
  let total = 0;
  for (let k = 0; k < h.items.length; k++) {
    const m = ctx.items.moods[h.items[k]!];
    if (!m) continue;
    by.set(m, (by.get(m) ?? 0) + h.weights[k]!);
    total += h.weights[k]!;
  }
  return [...by].map(([mood, w]) => ({ mood, share: w / total, part: 'listening' })).sort((a, b) => b.share - a.share || a.mood.localeCompare(b.mood));
}

function model(ctx: RecsContext, tagShare: number): Model {
  // Once per model, not per history; a loop, not Math.max(...popularity), which overflows the stack for a
  // catalogue of ~125k tracks or more.
  let top = 1;
  for (const p of ctx.popularity) if (p > top) top = p;
  const maxPop = Math.log1p(top);
  return {
    strategy: 'mood',
    score(h) {
      const n = ctx.items.keys.length;
      const scores = new Float32Array(n).fill(NaN);
      const moods = moodsOf(ctx, h);
      if (!moods.length) return { scores, reason: () => '' };
      const sad = moods.find((m) => m.mood === 'Sad' && m.share >= tagShare);
      const target = sad ? 'Happy' : moods[0]!.mood;
      const why = sad ? `a Happy lift for your Sad ${sad.part}` : `matches your ${target} ${moods[0]!.part}`;
      const genres = new Map<string, number>();
      for (let k = 0; k < h.items.length; k++) {
        const g = ctx.items.genres[h.items[k]!];
        if (g) genres.set(g, (genres.get(g) ?? 0) + 1);
      }
      for (let i = 0; i < n; i++) {
        if (ctx.items.moods[i] !== target) continue;
        const g = ctx.items.genres[i];
        scores[i] = Math.log1p(ctx.popularity[i]!) / maxPop + (g ? (genres.get(g) ?? 0) / Math.max(1, h.items.length) : 0);
      }
      return { scores, reason: () => why };
    },
    save: () => ({ meta: { tagShare }, arrays: {} }),
  };
}

export const mood: Strategy = {
  name: 'mood',
  description: 'the seed rule: Happy tracks for listeners with a Sad tag, else tracks of their top mood',
  train: (ctx, opts) => model(ctx, opts.tagShare),
  load: (ctx, s) => model(ctx, Number(s.meta['tagShare'])),
};
