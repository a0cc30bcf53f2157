// A binary min-heap of small integer ids keyed by an external Float64Array, allocation-free, used to
// merge every user's own timeline into one stream in time order (ties broken by id, so it is deterministic).

export class IdHeap {
  private readonly ids: Int32Array;
  private n = 0;

  constructor(capacity: number, private readonly key: Float64Array) {
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  /** The id with the smallest key; only valid when size > 0. */
  peek(): number {
    return this.ids[0] as number;
  }

  push(id: number): void {
    this.ids[this.n] = id;
    this.up(this.n++);
  }

  /** Removes the top. */
  pop(): void {
    this.n--;
    if (this.n > 0) {
      this.ids[0] = this.ids[this.n] as number;
      this.down(0);
    }
  }

  /** Call after the top's key has grown. */
  topChanged(): void {
    this.down(0);
  }

  private less(a: number, b: number): boolean {
    const ka = this.key[a] as number;
    const kb = this.key[b] as number;
    return ka < kb || (ka === kb && a < b);
  }

  private up(i: number): void {
    const ids = this.ids;
    const id = ids[i] as number;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pid = ids[p] as number;
      if (!this.less(id, pid)) break;
      ids[i] = pid;
      i = p;
    }
    ids[i] = id;
  }

  private down(i: number): void {
    const ids = this.ids;
    const n = this.n;
    const id = ids[i] as number;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(ids[c + 1] as number, ids[c] as number)) c++;
      const cid = ids[c] as number;
      if (!this.less(cid, id)) break;
      ids[i] = cid;
      i = c;
    }
    ids[i] = id;
  }
}
