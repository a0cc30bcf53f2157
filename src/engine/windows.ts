// Window arithmetic for tumbling and hopping windows. Windows are aligned to the epoch: window k covers
// [k·slide, k·slide + size). State is kept per pane of gcd(size, slide) ms, so a listen is added once
// (to its pane) however many windows overlap it, and a window is the sum of its panes.
import { gcd, type WindowSpec } from './config.js';

export class Hopping {
  readonly size: number;
  readonly slide: number;
  readonly pane: number;

  constructor(w: WindowSpec) {
    this.size = w.size;
    this.slide = w.slide;
    this.pane = gcd(w.size, w.slide);
  }

  paneOf(ts: number): number {
    return Math.floor(ts / this.pane);
  }

  /** First and last window (index k) that contain pane p. */
  firstWindow(p: number): number {
    return Math.ceil(((p + 1) * this.pane - this.size) / this.slide);
  }

  lastWindow(p: number): number {
    return Math.floor((p * this.pane) / this.slide);
  }

  start(k: number): number {
    return k * this.slide;
  }

  end(k: number): number {
    return k * this.slide + this.size;
  }

  /** Panes of window k: [from, to). */
  panesOf(k: number): [number, number] {
    return [(k * this.slide) / this.pane, (k * this.slide + this.size) / this.pane];
  }

  /** Every window holding pane p has closed: its end is at or before the watermark. */
  paneClosed(p: number, watermark: number): boolean {
    return this.end(this.lastWindow(p)) <= watermark;
  }
}

/** A growable list of ints: a pane's track or user ids in arrival order. */
export class IntList {
  a: Int32Array;
  n = 0;

  constructor(capacity = 64) {
    this.a = new Int32Array(capacity);
  }

  grow(): void {
    const b = new Int32Array(this.a.length * 2);
    b.set(this.a);
    this.a = b;
  }

  push(v: number): void {
    if (this.n === this.a.length) this.grow();
    this.a[this.n++] = v;
  }
}

/**
 * Indexes of the `top` largest keys among keys[0..n), largest first, into out (returns how many); ties
 * in any order.
 */
export function selectTop(keys: Float64Array, n: number, top: number, out: Int32Array): number {
  return selectTopBy(n, top, out, (a, b) => keys[a]! > keys[b]!);
}

/**
 * Indexes of the `top` best of 0..n), best first, into out (returns how many), where better(a, b) says
 * a goes before b (a strict total order). A heap of size `top` whose root is the worst kept: most
 * candidates lose against it in one comparison.
 */
export function selectTopBy(n: number, top: number, out: Int32Array, better: (a: number, b: number) => boolean): number {
  const m = Math.min(top, n);
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (size < m) {
      let j = size++;
      out[j] = i;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!better(out[p]!, out[j]!)) break;
        const t = out[p]!;
        out[p] = out[j]!;
        out[j] = t;
        j = p;
      }
    } else if (better(i, out[0]!)) {
      out[0] = i;
      siftDownBy(out, size, 0, better);
    }
  }
  for (let end = size - 1; end > 0; end--) {
    const t = out[0]!;
    out[0] = out[end]!;
    out[end] = t;
    siftDownBy(out, end, 0, better);
  }
  return m;
}

function siftDownBy(heap: Int32Array, size: number, i: number, better: (a: number, b: number) => boolean): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) return;
    const r = l + 1;
    const c = r < size && better(heap[l]!, heap[r]!) ? r : l;
    if (!better(heap[i]!, heap[c]!)) return;
    const t = heap[i]!;
    heap[i] = heap[c]!;
    heap[c] = t;
    i = c;
  }
}
