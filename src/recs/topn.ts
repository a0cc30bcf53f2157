// Picking a list from scores: the best n items a user may be shown (not excluded, a finite score),
// with at most `perArtist` items by one artist, without sorting the whole catalogue.

export interface PickOptions {
  readonly n: number;
  /** Items that may not be shown (e.g. played recently). */
  readonly exclude?: ReadonlySet<number>;
  /** Artist of each item (null unknown: never capped); with perArtist, at most that many per artist. */
  readonly artists?: readonly (string | null)[];
  readonly perArtist?: number;
}

/** Indices of the `m` highest finite scores, best first (ties by lower index), skipping `exclude`. */
export function topIndices(scores: ArrayLike<number>, m: number, exclude?: ReadonlySet<number>): number[] {
  if (m <= 0) return [];
  // A min-heap of size m on (score, -index).
  const hs: number[] = [];
  const hi: number[] = [];
  const less = (a: number, b: number): boolean => hs[a]! < hs[b]! || (hs[a] === hs[b] && hi[a]! > hi[b]!);
  const swap = (a: number, b: number): void => {
    [hs[a], hs[b]] = [hs[b]!, hs[a]!];
    [hi[a], hi[b]] = [hi[b]!, hi[a]!];
  };
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!Number.isFinite(s) || exclude?.has(i)) continue;
    if (hs.length < m) {
      hs.push(s);
      hi.push(i);
      let c = hs.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!less(c, p)) break;
        swap(c, p);
        c = p;
      }
      continue;
    }
    if (s < hs[0]! || (s === hs[0] && i > hi[0]!)) continue;
    hs[0] = s;
    hi[0] = i;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      const r = l + 1;
      let min = c;
      if (l < hs.length && less(l, min)) min = l;
      if (r < hs.length && less(r, min)) min = r;
      if (min === c) break;
      swap(c, min);
      c = min;
    }
  }
  const order = hi.map((_, k) => k).sort((a, b) => hs[b]! - hs[a]! || hi[a]! - hi[b]!);
  return order.map((k) => hi[k]!);
}

/** The best n items with the artist cap applied (widening the candidate pool until n fit or none are left). */
export function pickTop(scores: ArrayLike<number>, o: PickOptions): number[] {
  const cap = o.perArtist ?? Infinity;
  if (!o.artists || !Number.isFinite(cap)) return topIndices(scores, o.n, o.exclude);
  for (let m = o.n * 4; ; m *= 4) {
    const cand = topIndices(scores, m, o.exclude);
    const per = new Map<string, number>();
    const out: number[] = [];
    for (const i of cand) {
      const a = o.artists[i];
      if (a) {
        const c = per.get(a) ?? 0;
        if (c >= cap) continue;
        per.set(a, c + 1);
      }
      out.push(i);
      if (out.length === o.n) return out;
    }
    if (cand.length < m) return out;
  }
}
