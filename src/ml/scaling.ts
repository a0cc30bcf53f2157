// Standard scaling of audio features (z-scores), so tempo in BPM and loudness in dB weigh no more than
// 0–1 features in distances. Missing values become 0 (the mean) after scaling; the scaler is stored with
// the artefacts it produced so a reader can scale a new track the same way.
import { F } from './features.js';

export interface Scaler {
  readonly mean: number[];
  readonly sd: number[];
}

/** Mean and standard deviation per column over the finite values (sd 1 where a column is constant or empty). */
export function fitScaler(x: Float32Array, rows: readonly number[] | null = null): Scaler {
  const n = x.length / F;
  const sum = new Float64Array(F);
  const sq = new Float64Array(F);
  const cnt = new Float64Array(F);
  const visit = rows ?? Array.from({ length: n }, (_, i) => i);
  for (const i of visit) {
    for (let j = 0; j < F; j++) {
      const v = x[i * F + j]!;
      if (!Number.isFinite(v)) continue;
      sum[j]! += v;
      sq[j]! += v * v;
      cnt[j]!++;
    }
  }
  const mean: number[] = [];
  const sd: number[] = [];
  for (let j = 0; j < F; j++) {
    const m = cnt[j]! ? sum[j]! / cnt[j]! : 0;
    const variance = cnt[j]! ? Math.max(0, sq[j]! / cnt[j]! - m * m) : 0;
    mean.push(m);
    sd.push(variance > 1e-12 ? Math.sqrt(variance) : 1);
  }
  return { mean, sd };
}

/** Scaled copy: (v − mean) / sd, missing → 0. */
export function scale(x: Float32Array, s: Scaler): Float32Array {
  const out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const j = k % F;
    const v = x[k]!;
    out[k] = Number.isFinite(v) ? (v - s.mean[j]!) / s.sd[j]! : 0;
  }
  return out;
}
