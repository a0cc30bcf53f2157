// KMeans (Lloyd's algorithm with k-means++ seeding and a few seeded restarts, the lowest inertia kept)
// on row-major points of any dimension. Empty clusters are reseeded with the point furthest from its centre.
import { seededRandom } from './random.js';

export interface KMeansResult {
  readonly k: number;
  /** k × d centres, row-major. */
  readonly centroids: Float64Array;
  readonly labels: Int32Array;
  /** Sum of squared distances of points to their centre. */
  readonly inertia: number;
  readonly iterations: number;
}

export interface KMeansOptions {
  readonly seed?: number;
  readonly restarts?: number;
  readonly maxIterations?: number;
}

function dist2(x: Float32Array, i: number, c: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) {
    const v = x[i * d + a]! - c[j * d + a]!;
    s += v * v;
  }
  return s;
}

function once(x: Float32Array, d: number, k: number, rnd: () => number, maxIt: number): KMeansResult {
  const n = x.length / d;
  const c = new Float64Array(k * d);
  // k-means++: first centre uniform, then proportional to squared distance to the nearest chosen one.
  const near = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(rnd() * n);
  for (let j = 0; j < k; j++) {
    for (let a = 0; a < d; a++) c[j * d + a] = x[pick * d + a]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      near[i] = Math.min(near[i]!, dist2(x, i, c, j, d));
      total += near[i]!;
    }
    if (j + 1 === k) break;
    let r = rnd() * total;
    pick = n - 1;
    if (total > 0) {
      for (let i = 0; i < n; i++) {
        r -= near[i]!;
        if (r <= 0) {
          pick = i;
          break;
        }
      }
    } else pick = Math.floor(rnd() * n);
  }
  const labels = new Int32Array(n).fill(-1);
  const counts = new Float64Array(k);
  let it = 0;
  let inertia = 0;
  for (; it < maxIt; it++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Infinity;
      for (let j = 0; j < k; j++) {
        const v = dist2(x, i, c, j, d);
        if (v < bd) {
          bd = v;
          best = j;
        }
      }
      inertia += bd;
      if (labels[i] !== best) {
        labels[i] = best;
        changed++;
      }
    }
    if (!changed && it > 0) break;
    c.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const j = labels[i]!;
      counts[j]!++;
      for (let a = 0; a < d; a++) c[j * d + a]! += x[i * d + a]!;
    }
    for (let j = 0; j < k; j++) {
      if (counts[j]) {
        for (let a = 0; a < d; a++) c[j * d + a]! /= counts[j]!;
        continue;
      }
      // Empty: move it to the point furthest from its current centre.
      let far = 0;
      let fd = -1;
      for (let i = 0; i < n; i++) {
        const v = dist2(x, i, c, labels[i]!, d);
        if (v > fd) {
          fd = v;
          far = i;
        }
      }
      for (let a = 0; a < d; a++) c[j * d + a] = x[far * d + a]!;
    }
  }
  return { k, centroids: c, labels, inertia, iterations: it };
}

/** Clusters n points of dimension d into k (k is capped at n). */
export function kmeans(x: Float32Array, d: number, k: number, o: KMeansOptions = {}): KMeansResult {
  const n = x.length / d;
  if (n === 0) throw new RangeError('kmeans: no points');
  const kk = Math.max(1, Math.min(k, n));
  const rnd = seededRandom(o.seed ?? 42);
  let best: KMeansResult | null = null;
  for (let r = 0; r < (o.restarts ?? 3); r++) {
    const res = once(x, d, kk, rnd, o.maxIterations ?? 100);
    if (!best || res.inertia < best.inertia) best = res;
  }
  return best!;
}
