// Item-to-item similarity from co-listening: cosine between items' listener vectors, shrunk towards
// zero for pairs with little support (sim = dot / (‖i‖‖j‖ + shrink)), keeping each item's top
// neighbours. A user's score for j sums their weight on each played item i times sim(i, j).
import type { Csr } from './matrix.js';

export interface ItemItemOptions {
  /** Neighbours kept per item. */
  readonly neighbours: number;
  /** Shrinkage added to the cosine's denominator. */
  readonly shrink: number;
}

export const ITEM_ITEM_DEFAULTS: ItemItemOptions = Object.freeze({ neighbours: 100, shrink: 10 });

/** Each item's nearest neighbours as CSR rows (item → neighbour, similarity), best first. */
export function trainItemItem(byUser: Csr, byItem: Csr, opts: ItemItemOptions = ITEM_ITEM_DEFAULTS, onProgress?: (done: number, total: number) => void): Csr {
  const n = byItem.rows;
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = byItem.indptr[i]!; k < byItem.indptr[i + 1]!; k++) s += byItem.values[k]! ** 2;
    norm[i] = Math.sqrt(s);
  }
  const acc = new Float64Array(n);
  const touched = new Int32Array(n);
  const indptr = new Int32Array(n + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    let nt = 0;
    for (let k = byItem.indptr[i]!; k < byItem.indptr[i + 1]!; k++) {
      const u = byItem.indices[k]!;
      const rui = byItem.values[k]!;
      for (let q = byUser.indptr[u]!; q < byUser.indptr[u + 1]!; q++) {
        const j = byUser.indices[q]!;
        if (j === i) continue;
        if (acc[j] === 0) touched[nt++] = j;
        acc[j]! += rui * byUser.values[q]!;
      }
    }
    const cand: { j: number; s: number }[] = [];
    for (let t = 0; t < nt; t++) {
      const j = touched[t]!;
      cand.push({ j, s: acc[j]! / (norm[i]! * norm[j]! + opts.shrink) });
      acc[j] = 0;
    }
    cand.sort((a, b) => b.s - a.s || a.j - b.j);
    for (const c of cand.slice(0, opts.neighbours)) {
      idx.push(c.j);
      val.push(c.s);
    }
    indptr[i + 1] = idx.length;
    if (onProgress && (i & 1023) === 0) onProgress(i, n);
  }
  return { rows: n, cols: n, indptr, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}

/** Scores of every item for a history (items and their weights), and for each item the history item that contributed most. */
export function itemItemScores(sim: Csr, items: ArrayLike<number>, weights: ArrayLike<number>): { scores: Float32Array; because: Int32Array } {
  const scores = new Float32Array(sim.rows);
  const best = new Float32Array(sim.rows);
  const because = new Int32Array(sim.rows).fill(-1);
  for (let h = 0; h < items.length; h++) {
    const i = items[h]!;
    const w = weights[h]!;
    for (let k = sim.indptr[i]!; k < sim.indptr[i + 1]!; k++) {
      const j = sim.indices[k]!;
      const c = w * sim.values[k]!;
      scores[j]! += c;
      if (c > best[j]!) {
        best[j] = c;
        because[j] = i;
      }
    }
  }
  return { scores, because };
}
