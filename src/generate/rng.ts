// Seeded randomness for the generator: every byte it writes must follow from the options alone,
// so nothing here touches Math.random; each entity or concern draws from its own derived stream.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** lowbias32: a well-mixing 32-bit integer hash. */
export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** Folds a seed (any finite number) and stream keys into one 32-bit value. */
export function deriveSeed(seed: number, ...keys: number[]): number {
  const s = Math.floor(Math.abs(seed));
  let h = mix32((s >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ Math.floor(s / 4294967296));
  for (const k of keys) h = mix32((h ^ mix32(k >>> 0)) + 0x6a09e667);
  return h;
}

/** sfc32: small, fast and statistically sound; period at least 2^32 thanks to its counter. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, ...keys: number[]) {
    const s = deriveSeed(seed, ...keys);
    this.a = mix32(s ^ 0x243f6a88);
    this.b = mix32(s ^ 0x85a308d3);
    this.c = mix32(s ^ 0x13198a2e);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(6.283185307179586 * this.next());
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  /** Index drawn with probability proportional to weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] as number;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** A Spotify-style 22-character base62 id. */
  base62(len = 22): string {
    let s = '';
    for (let i = 0; i < len; i++) s += BASE62[this.u32() % 62];
    return s;
  }
}

/** Clamp to [lo, hi] and round to 3 decimals, so every format prints the same number. */
export function clamp3(x: number, lo: number, hi: number): number {
  return Math.round(Math.min(hi, Math.max(lo, x)) * 1000) / 1000;
}

/**
 * Walker/Vose alias table: O(1) draws from a fixed discrete distribution over `items`
 * (the per-genre Zipf tables draw millions of tracks).
 */
export class AliasTable {
  readonly prob: Float64Array;
  readonly alias: Int32Array;

  constructor(readonly items: Int32Array, weights: Float64Array) {
    const n = items.length;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i] as number;
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = ((weights[i] as number) * n) / total;
      ((scaled[i] as number) < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.prob[s] = scaled[s] as number;
      this.alias[s] = l;
      scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
      ((scaled[l] as number) < 1 ? small : large).push(l);
    }
    for (const i of large) { this.prob[i] = 1; this.alias[i] = i; }
    for (const i of small) { this.prob[i] = 1; this.alias[i] = i; }
  }

  /** One item, drawn with one random number. */
  sample(rng: Rng): number {
    const x = rng.next() * this.items.length;
    const i = Math.floor(x);
    const j = x - i < (this.prob[i] as number) ? i : (this.alias[i] as number);
    return this.items[j] as number;
  }
}
