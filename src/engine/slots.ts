// Per-key counters of items in a fixed number of slots per key, as (item, count) int pairs side by side
// in one Int32Array (a key's slots share cache lines; no object per key): how a user's genres, moods and
// artists are counted. Two modes:
//  - exact: a key with more distinct items than slots spills the rest into a Map (genres and moods come
//    from small vocabularies, so this is rare and the counts stay exact);
//  - space-saving: when the slots are full, the item with the smallest count is replaced and the newcomer
//    inherits that count + 1 (Metwally et al.): any item with more than plays/slots plays is kept, and a
//    count overestimates by at most the smallest count. Bounded memory for unbounded vocabularies (artists).
import type { SnapshotReader, SnapshotWriter } from './snapshot.js';

export class SlotCounters {
  /** [item, count] pairs, `slots` pairs per key; item -1 = empty. */
  pairs = new Int32Array(0);
  private keys = 0;
  readonly overflow = new Map<number, Map<number, number>>();

  constructor(
    readonly slots: number,
    readonly mode: 'exact' | 'space-saving',
  ) {}

  ensure(keys: number): void {
    if (keys <= this.keys) return;
    const n = Math.max(keys, this.keys * 2, 1024);
    const p = new Int32Array(n * this.slots * 2);
    for (let i = this.pairs.length; i < p.length; i += 2) p[i] = -1;
    p.set(this.pairs);
    this.pairs = p;
    this.keys = n;
  }

  add(key: number, item: number): void {
    const p = this.pairs;
    const base = key * this.slots * 2;
    const end = base + this.slots * 2;
    for (let j = base; j < end; j += 2) {
      const id = p[j]!;
      if (id === item) {
        p[j + 1]!++;
        return;
      }
      if (id === -1) {
        p[j] = item;
        p[j + 1] = 1;
        return;
      }
    }
    if (this.mode === 'exact') {
      let m = this.overflow.get(key);
      if (!m) this.overflow.set(key, (m = new Map()));
      m.set(item, (m.get(item) ?? 0) + 1);
      return;
    }
    let min = base;
    for (let j = base + 2; j < end; j += 2) if (p[j + 1]! < p[min + 1]!) min = j;
    p[min] = item;
    p[min + 1]!++;
  }

  /**
   * The (up to) `n` items of a key with the highest counts, ties to the item of lowest `rank` (its name's
   * sort order), into outIds/outCounts; returns how many. No allocation: it runs for every changed key.
   */
  top(key: number, n: number, rank: Int32Array, outIds: Int32Array, outCounts: Float64Array): number {
    let m = 0;
    const p = this.pairs;
    const base = key * this.slots * 2;
    for (let j = base; j < base + this.slots * 2; j += 2) {
      const id = p[j]!;
      if (id === -1) break;
      m = insertTop(id, p[j + 1]!, m, n, rank, outIds, outCounts);
    }
    const more = this.overflow.get(key);
    if (more) for (const [item, c] of more) m = insertTop(item, c, m, n, rank, outIds, outCounts);
    return m;
  }

  bytes(): number {
    return this.pairs.byteLength;
  }

  snapshot(w: SnapshotWriter, used: number): void {
    w.i32('pairs', this.pairs.subarray(0, used * this.slots * 2));
    w.json('overflow', [...this.overflow].map(([k, m]) => [k, [...m]]));
  }

  restore(r: SnapshotReader): void {
    const pairs = r.i32('pairs');
    this.keys = 0;
    this.pairs = new Int32Array(0);
    this.ensure(pairs.length / (this.slots * 2));
    this.pairs.set(pairs);
    this.overflow.clear();
    for (const [k, entries] of r.json<[number, [number, number][]][]>('overflow')) this.overflow.set(k, new Map(entries));
  }
}

/** Inserts (item, c) into the sorted top list of length m (at most n); returns the new length. */
function insertTop(item: number, c: number, m: number, n: number, rank: Int32Array, outIds: Int32Array, outCounts: Float64Array): number {
  let i: number;
  if (m < n) i = m++;
  else {
    const lc = outCounts[n - 1]!;
    if (c < lc || (c === lc && rank[item]! > rank[outIds[n - 1]!]!)) return m;
    i = n - 1;
  }
  while (i > 0) {
    const pc = outCounts[i - 1]!;
    if (pc > c || (pc === c && rank[outIds[i - 1]!]! < rank[item]!)) break;
    outIds[i] = outIds[i - 1]!;
    outCounts[i] = pc;
    i--;
  }
  outIds[i] = item;
  outCounts[i] = c;
  return m;
}
