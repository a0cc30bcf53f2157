// Silhouette of a clustering: for each point, (b − a) / max(a, b) with a its mean distance to its own
// cluster and b to the nearest other cluster; the mean over points (or a seeded sample of them, since
// the exact score is quadratic). A point alone in its cluster scores 0; one cluster has no silhouette.
import { sampleIndices, seededRandom } from './random.js';

export function silhouette(x: Float32Array, d: number, labels: Int32Array, k: number, o: { sample?: number; seed?: number } = {}): number | null {
  const n = labels.length;
  if (k < 2 || n < 2) return null;
  const idx = sampleIndices(n, o.sample ?? n, seededRandom(o.seed ?? 42));
  const sums = new Float64Array(k);
  const sizes = new Float64Array(k);
  for (const i of idx) sizes[labels[i]!]!++;
  let total = 0;
  for (const i of idx) {
    sums.fill(0);
    for (const j of idx) {
      if (j === i) continue;
      let s = 0;
      for (let a = 0; a < d; a++) {
        const v = x[i * d + a]! - x[j * d + a]!;
        s += v * v;
      }
      sums[labels[j]!]! += Math.sqrt(s);
    }
    const own = labels[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (!Number.isFinite(b)) continue;
    total += (b - a) / Math.max(a, b, 1e-12);
  }
  return total / idx.length;
}
