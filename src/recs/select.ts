// Turns a model's scores into the list a person sees: excluded items removed, at most two per artist,
// and, where the strategy has fewer than n things to say, the rest filled from popularity with that reason.
import { pickTop } from './topn.js';
import type { History, Model, RecsContext } from './types.js';

export interface Recommendation {
  readonly item: number;
  readonly score: number;
  readonly reason: string;
}

export interface SelectOptions {
  readonly n: number;
  readonly exclude: ReadonlySet<number>;
  readonly perArtist: number;
}

export function selectFor(ctx: RecsContext, model: Model, fallback: Model, h: History, o: SelectOptions): Recommendation[] {
  const artists = ctx.items.kind === 'artist' ? undefined : ctx.items.artists;
  const s = model.score(h);
  const noHistory = h.items.length === 0;
  const note = (r: string): string => (noHistory ? `${r} (no listening history yet)` : r);
  const main = pickTop(s.scores, { n: o.n, exclude: o.exclude, ...(artists ? { artists, perArtist: o.perArtist } : {}) });
  const out: Recommendation[] = main.map((i) => ({ item: i, score: s.scores[i]!, reason: note(s.reason(i)) }));
  if (out.length >= o.n || model === fallback) return out;
  const taken = new Set([...o.exclude, ...main]);
  const perArtist = new Map<string, number>();
  for (const r of out) {
    const a = artists?.[r.item];
    if (a) perArtist.set(a, (perArtist.get(a) ?? 0) + 1);
  }
  const f = fallback.score(h);
  for (const i of pickTop(f.scores, { n: o.n * 4, exclude: taken })) {
    const a = artists?.[i];
    if (a && (perArtist.get(a) ?? 0) >= o.perArtist) continue;
    if (a) perArtist.set(a, (perArtist.get(a) ?? 0) + 1);
    out.push({ item: i, score: 0, reason: note(f.reason(i)) });
    if (out.length >= o.n) break;
  }
  return out;
}
