// Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008) solved by alternating least
// squares with a few conjugate-gradient steps per row (Takács, Pilászy & Tikk 2011) instead of a full
// solve: each row costs (steps + 1) f² + steps · 2 f · nnz rather than f³. Rows with few interactions
// (the long tail of artists and tracks) are solved exactly and for less with the Woodbury identity on
// H = (YᵀY + λI)⁻¹, computed once per half-iteration, and H·y of every other-side row when that pays.
// Our own code on typed arrays (docs/ml.md says why): factors are Float32Array, per-row arithmetic
// runs in Float64Array scratch.
import type { Csr } from './matrix.js';
import { seededRandom } from '../ml/random.js';

export interface AlsOptions {
  readonly factors: number;
  readonly iterations: number;
  /** L2 regularisation λ added to the diagonal of YᵀY. */
  readonly regularization: number;
  /** Conjugate-gradient steps per row and half-iteration. */
  readonly cgSteps: number;
  readonly seed: number;
}

export const ALS_DEFAULTS: AlsOptions = Object.freeze({ factors: 64, iterations: 15, regularization: 1, cgSteps: 2, seed: 42 });

export interface AlsFactors {
  readonly factors: number;
  /** users × factors, row-major. */
  readonly user: Float32Array;
  /** items × factors, row-major. */
  readonly item: Float32Array;
}

/**
 * Trains on a confidence matrix (values are confidences c ≥ 1 of observed pairs; unobserved pairs have
 * c = 1 and preference 0). `byItem` is its transpose. Calls onIteration after each full iteration.
 */
export function trainAls(byUser: Csr, byItem: Csr, opts: AlsOptions = ALS_DEFAULTS, onIteration?: (done: number, total: number) => void): AlsFactors {
  const f = opts.factors;
  if (!Number.isInteger(f) || f < 1) throw new RangeError(`ALS factors must be a whole number ≥ 1, got ${f}`);
  const rnd = seededRandom(opts.seed);
  // Training runs on Float64Array (no float conversions in the hot loops); the result is stored as Float32Array.
  const init = (n: number): Float64Array => {
    const a = new Float64Array(n * f);
    for (let k = 0; k < a.length; k++) a[k] = (rnd() - 0.5) * 0.02;
    return a;
  };
  const X = init(byUser.rows);
  const Y = init(byUser.cols);
  // Rows without any interaction solve to zero; set them so and skip them.
  zeroEmpty(X, byUser, f);
  zeroEmpty(Y, byItem, f);
  const s = scratch(f);
  for (let it = 0; it < opts.iterations; it++) {
    solveSide(X, Y, byUser, f, opts, s);
    solveSide(Y, X, byItem, f, opts, s);
    onIteration?.(it + 1, opts.iterations);
  }
  return { factors: f, user: Float32Array.from(X), item: Float32Array.from(Y) };
}

function zeroEmpty(A: Float64Array, m: Csr, f: number): void {
  for (let r = 0; r < m.rows; r++) if (m.indptr[r] === m.indptr[r + 1]) A.fill(0, r * f, r * f + f);
}

/** Rows with at most this many interactions take the exact Woodbury path when every H·y is precomputed… */
const WOODBURY_MAX = 16;
/** …and at most this many when each H·y is computed for the row (where it still costs less than CG). */
const WOODBURY_MIN = 3;

interface Scratch {
  readonly gram: Float64Array;
  readonly inv: Float64Array;
  readonly z: Float64Array;
  readonly hb: Float64Array;
  readonly w: Float64Array;
  readonly t: Float64Array;
  readonly zo: Int32Array;
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly ap: Float64Array;
}

const scratch = (f: number): Scratch => ({ gram: new Float64Array(f * f), inv: new Float64Array(f * f), z: new Float64Array(WOODBURY_MIN * f), hb: new Float64Array(f), w: new Float64Array(WOODBURY_MAX * WOODBURY_MAX), t: new Float64Array(WOODBURY_MAX), zo: new Int32Array(WOODBURY_MAX), x: new Float64Array(f), r: new Float64Array(f), p: new Float64Array(f), ap: new Float64Array(f) });

/** G = YᵀY + λI, as dot products of Y's columns over blocks of rows copied column-major (cache-sized, contiguous loads). */
export function gramian(Y: Float64Array, f: number, lambda: number, G: Float64Array = new Float64Array(f * f)): Float64Array {
  const n = Y.length / f;
  const B = 256;
  const cols = new Float64Array(B * f);
  G.fill(0);
  for (let start = 0; start < n; start += B) {
    const len = Math.min(B, n - start);
    for (let i = 0; i < len; i++) for (let a = 0; a < f; a++) cols[a * len + i] = Y[(start + i) * f + a]!;
    for (let a = 0; a < f; a++) for (let b = a; b < f; b++) G[a * f + b]! += dot64x64(cols, a * len, cols, b * len, len);
  }
  for (let a = 0; a < f; a++) {
    G[a * f + a]! += lambda;
    for (let b = a + 1; b < f; b++) G[b * f + a] = G[a * f + b]!;
  }
  return G;
}

// Σ a[ao + k] · b[bo + k] for k < f with four accumulators (one alone is bound by add latency); one
// copy per pair of array types, so each stays monomorphic for V8 (a shared one ran slower than no unrolling).
function dot64x64(a: Float64Array, ao: number, b: Float64Array, bo: number, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < f; k += 4) {
    s0 += a[ao + k]! * b[bo + k]!;
    s1 += a[ao + k + 1]! * b[bo + k + 1]!;
    s2 += a[ao + k + 2]! * b[bo + k + 2]!;
    s3 += a[ao + k + 3]! * b[bo + k + 3]!;
  }
  for (; k < f; k++) s0 += a[ao + k]! * b[bo + k]!;
  return s0 + s1 + s2 + s3;
}

function dot32x32(a: Float32Array, ao: number, b: Float32Array, bo: number, f: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < f; k += 4) {
    s0 += a[ao + k]! * b[bo + k]!;
    s1 += a[ao + k + 1]! * b[bo + k + 1]!;
    s2 += a[ao + k + 2]! * b[bo + k + 2]!;
    s3 += a[ao + k + 3]! * b[bo + k + 3]!;
  }
  for (; k < f; k++) s0 += a[ao + k]! * b[bo + k]!;
  return s0 + s1 + s2 + s3;
}

/** out += w · y[yo ..< yo + f]. */
function axpy(w: number, y: Float64Array, yo: number, out: Float64Array, f: number): void {
  let k = 0;
  for (; k + 3 < f; k += 4) {
    out[k]! += w * y[yo + k]!;
    out[k + 1]! += w * y[yo + k + 1]!;
    out[k + 2]! += w * y[yo + k + 2]!;
    out[k + 3]! += w * y[yo + k + 3]!;
  }
  for (; k < f; k++) out[k]! += w * y[yo + k]!;
}

/** out = G v for the symmetric f × f matrix G. */
function matVec(G: Float64Array, v: Float64Array, out: Float64Array, f: number): void {
  for (let a = 0; a < f; a++) out[a] = dot64x64(G, a * f, v, 0, f);
}

/** Updates every row of X (one per row of m) given the other side's factors Y. */
function solveSide(X: Float64Array, Y: Float64Array, m: Csr, f: number, opts: AlsOptions, s: Scratch): void {
  const G = gramian(Y, f, opts.regularization, s.gram);
  const H = invertSpd(G, f, s.inv);
  // H·y of every other-side row pays when the short rows hold more interactions than there are such rows.
  let shortNnz = 0;
  for (let u = 0; u < m.rows; u++) {
    const len = m.indptr[u + 1]! - m.indptr[u]!;
    if (len <= WOODBURY_MAX) shortNnz += len;
  }
  let Z: Float64Array | null = null;
  if (shortNnz > m.cols) {
    Z = new Float64Array(m.cols * f);
    for (let j = 0; j < m.cols; j++) for (let a = 0; a < f; a++) Z[j * f + a] = dot64x64(Y, j * f, H, a * f, f);
  }
  const limit = Z ? WOODBURY_MAX : WOODBURY_MIN;
  const { x, r, p, ap } = s;
  for (let u = 0; u < m.rows; u++) {
    const start = m.indptr[u]!;
    const end = m.indptr[u + 1]!;
    if (start === end) continue;
    if (end - start <= limit) {
      woodbury(X, u, Y, m, start, end, H, Z, f, s);
      continue;
    }
    const xo = u * f;
    for (let a = 0; a < f; a++) x[a] = X[xo + a]!;
    // r = b − A x, with A = G + Σ (c − 1) y yᵀ and b = Σ c y.
    matVec(G, x, r, f);
    for (let a = 0; a < f; a++) r[a] = -r[a]!;
    for (let k = start; k < end; k++) {
      const yo = m.indices[k]! * f;
      const c = m.values[k]!;
      axpy(c - (c - 1) * dot64x64(Y, yo, x, 0, f), Y, yo, r, f);
    }
    let rs = dot64x64(r, 0, r, 0, f);
    for (let a = 0; a < f; a++) p[a] = r[a]!;
    for (let step = 0; step < opts.cgSteps && rs > 1e-20; step++) {
      matVec(G, p, ap, f);
      for (let k = start; k < end; k++) {
        const yo = m.indices[k]! * f;
        axpy((m.values[k]! - 1) * dot64x64(Y, yo, p, 0, f), Y, yo, ap, f);
      }
      const pap = dot64x64(p, 0, ap, 0, f);
      if (!(pap > 0)) break;
      const alpha = rs / pap;
      for (let a = 0; a < f; a++) {
        x[a]! += alpha * p[a]!;
        r[a]! -= alpha * ap[a]!;
      }
      const rsNew = dot64x64(r, 0, r, 0, f);
      const beta = rsNew / rs;
      for (let a = 0; a < f; a++) p[a] = r[a]! + beta * p[a]!;
      rs = rsNew;
    }
    for (let a = 0; a < f; a++) X[xo + a] = x[a]!;
  }
}

/**
 * Exact solve of (G + Σ (c−1) y yᵀ) x = Σ c y for a row with few interactions, given H = G⁻¹ and, when
 * precomputed, Z = H·y of every other-side row: with V = [y_k √(c_k − 1)] and z_k = H y_k,
 * x = H b − H V (I + Vᵀ H V)⁻¹ Vᵀ H b, where H b = Σ c_k z_k.
 */
function woodbury(X: Float64Array, u: number, Y: Float64Array, m: Csr, start: number, end: number, H: Float64Array, Z: Float64Array | null, f: number, s: Scratch): void {
  const { hb, w, t, x, zo } = s;
  const n = end - start;
  const zs = Z ?? s.z;
  for (let k = 0; k < n; k++) {
    const j = m.indices[start + k]!;
    if (Z) zo[k] = j * f;
    else {
      zo[k] = k * f;
      for (let a = 0; a < f; a++) zs[k * f + a] = dot64x64(Y, j * f, H, a * f, f);
    }
  }
  hb.fill(0);
  for (let k = 0; k < n; k++) {
    const c = m.values[start + k]!;
    const o = zo[k]!;
    for (let a = 0; a < f; a++) hb[a]! += c * zs[o + a]!;
  }
  for (let k = 0; k < n; k++) {
    const yk = m.indices[start + k]! * f;
    const dk = Math.sqrt(Math.max(0, m.values[start + k]! - 1));
    t[k] = dk * dot64x64(Y, yk, hb, 0, f);
    for (let l = 0; l < n; l++) {
      const dl = Math.sqrt(Math.max(0, m.values[start + l]! - 1));
      w[k * n + l] = (k === l ? 1 : 0) + dk * dl * dot64x64(Y, yk, zs, zo[l]!, f);
    }
  }
  solveSmall(w, t, n);
  for (let a = 0; a < f; a++) x[a] = hb[a]!;
  for (let k = 0; k < n; k++) {
    const coef = Math.sqrt(Math.max(0, m.values[start + k]! - 1)) * t[k]!;
    const o = zo[k]!;
    for (let a = 0; a < f; a++) x[a]! -= coef * zs[o + a]!;
  }
  const xo = u * f;
  for (let a = 0; a < f; a++) X[xo + a] = x[a]!;
}

/** Solves the n × n system A s = b in place (b becomes s) by Gaussian elimination with partial pivoting. */
function solveSmall(A: Float64Array, b: Float64Array, n: number): void {
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[piv * n + c]!)) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[piv * n + k]] = [A[piv * n + k]!, A[c * n + k]!];
      [b[c], b[piv]] = [b[piv]!, b[c]!];
    }
    const d = A[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const g = A[r * n + c]! / d;
      for (let k = c; k < n; k++) A[r * n + k]! -= g * A[c * n + k]!;
      b[r]! -= g * b[c]!;
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let v = b[c]!;
    for (let k = c + 1; k < n; k++) v -= A[c * n + k]! * b[k]!;
    b[c] = v / A[c * n + c]!;
  }
}

/** Inverse of a symmetric positive-definite f × f matrix via Cholesky (G = L Lᵀ). */
export function invertSpd(G: Float64Array, f: number, out: Float64Array = new Float64Array(f * f)): Float64Array {
  const L = new Float64Array(f * f);
  for (let i = 0; i < f; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = G[i * f + j]!;
      for (let k = 0; k < j; k++) sum -= L[i * f + k]! * L[j * f + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new RangeError('ALS: YᵀY + λI is not positive definite (raise the regularisation)');
        L[i * f + i] = Math.sqrt(sum);
      } else L[i * f + j] = sum / L[j * f + j]!;
    }
  }
  // Columns of L⁻ᵀ L⁻¹: solve L y = e_c, then Lᵀ x = y.
  const y = new Float64Array(f);
  for (let c = 0; c < f; c++) {
    for (let i = 0; i < f; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= L[i * f + k]! * y[k]!;
      y[i] = sum / L[i * f + i]!;
    }
    for (let i = f - 1; i >= 0; i--) {
      let sum = y[i]!;
      for (let k = i + 1; k < f; k++) sum -= L[k * f + i]! * out[k * f + c]!;
      out[i * f + c] = sum / L[i * f + i]!;
    }
  }
  return out;
}

/** Dot products of one user's factors with every item's: the ALS scores. */
export function alsScores(m: AlsFactors, user: number, out: Float32Array = new Float32Array(m.item.length / m.factors)): Float32Array {
  const f = m.factors;
  const uo = user * f;
  const n = m.item.length / f;
  for (let i = 0; i < n; i++) {
    const io = i * f;
    out[i] = dot32x32(m.user, uo, m.item, io, f);
  }
  return out;
}
