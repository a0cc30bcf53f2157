// Seeded randomness for learning (ALS initialisation, KMeans++, sampling, UMAP): same seed, same result,
// so a map or a model can be reproduced; nothing here touches Math.random.

/** mulberry32: a small, fast 32-bit generator; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `m` distinct indices of 0..n-1 (all of them, in order, when m ≥ n). */
export function sampleIndices(n: number, m: number, rnd: () => number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (m >= n) return all;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, m).sort((a, b) => a - b);
}
