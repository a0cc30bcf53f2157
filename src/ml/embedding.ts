// The 2-D map of the catalogue: UMAP (umap-js, a maintained library) on scaled audio features with a
// seeded random source, so the same catalogue gives the same map. Catalogues too small for a
// neighbour graph are laid out on their first two principal components instead.
import { UMAP } from 'umap-js';
import { seededRandom } from './random.js';

export interface EmbedOptions {
  readonly seed?: number;
  readonly nNeighbors?: number;
  readonly minDist?: number;
  readonly nEpochs?: number;
  readonly onProgress?: (fraction: number) => void;
}

export const EMBED_DEFAULTS = Object.freeze({ seed: 42, nNeighbors: 15, minDist: 0.1, nEpochs: 200 });

/** n × 2 coordinates, row-major. */
export function embed2d(x: Float32Array, d: number, o: EmbedOptions = {}): Float32Array {
  const n = x.length / d;
  const nNeighbors = o.nNeighbors ?? EMBED_DEFAULTS.nNeighbors;
  if (n < Math.max(nNeighbors + 2, 20)) return pca2(x, d);
  const rows: number[][] = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, i * d + d)));
  const umap = new UMAP({ nComponents: 2, nNeighbors, minDist: o.minDist ?? EMBED_DEFAULTS.minDist, nEpochs: o.nEpochs ?? EMBED_DEFAULTS.nEpochs, random: seededRandom(o.seed ?? EMBED_DEFAULTS.seed) });
  const epochs = umap.initializeFit(rows);
  o.onProgress?.(0);
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if ((e & 15) === 0) o.onProgress?.(e / epochs);
  }
  o.onProgress?.(1);
  const out = new Float32Array(n * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[i * 2] = p[0]!;
    out[i * 2 + 1] = p[1]!;
  });
  return out;
}

/** Projection on the two leading principal components (power iteration with deflation); 0 where there is no spread. */
export function pca2(x: Float32Array, d: number): Float32Array {
  const n = x.length / d;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) mean[a]! += x[i * d + a]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b]! += ((x[i * d + a]! - mean[a]!) * (x[i * d + b]! - mean[b]!)) / Math.max(1, n);
  const out = new Float32Array(n * 2);
  for (let comp = 0; comp < 2; comp++) {
    let v = Float64Array.from({ length: d }, (_, a) => 1 / Math.sqrt(d) + a * 1e-3);
    let lambda = 0;
    for (let it = 0; it < 100; it++) {
      const w = new Float64Array(d);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) w[a]! += cov[a * d + b]! * v[b]!;
      const norm = Math.hypot(...w);
      if (norm < 1e-12) break;
      lambda = norm;
      v = w.map((z) => z / norm);
    }
    if (lambda < 1e-12) break;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += (x[i * d + a]! - mean[a]!) * v[a]!;
      out[i * 2 + comp] = s;
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b]! -= lambda * v[a]! * v[b]!;
  }
  return out;
}
