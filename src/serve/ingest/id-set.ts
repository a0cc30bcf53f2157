// The ids of every listen the server has stored, in memory, so a group commit finds its duplicates
// without a join in SQL. An id is the 64-bit number of a listen_id's 16 hex digits (what the ingest
// file's `seen` table holds as UBIGINT), kept as two 32-bit halves in an open-addressing table: 9 bytes
// a slot (the halves and a taken flag), at most half full, so 10M listens take 180-360 MB (a JavaScript
// Set of strings would take ~5×).

export class IdSet {
  /** Slot i holds (hi, lo) at [2i, 2i+1]; `used` marks the taken slots (an id may be 0). */
  private keys: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let n = 1024;
    while (n < capacity * 2) n *= 2;
    this.keys = new Uint32Array(n * 2);
    this.used = new Uint8Array(n);
    this.mask = n - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The slot holding (hi, lo), or the empty slot where it would go. md5's bits are uniform: lo is the hash. */
  private slot(hi: number, lo: number): number {
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    const k = this.keys;
    while (this.used[i] && (k[2 * i] !== hi || k[2 * i + 1] !== lo)) i = (i + 1) & this.mask;
    return i;
  }

  has(hi: number, lo: number): boolean {
    return this.used[this.slot(hi, lo)] === 1;
  }

  /** Adds the id; false when it was there already. */
  add(hi: number, lo: number): boolean {
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    const i = this.slot(hi, lo);
    if (this.used[i]) return false;
    this.used[i] = 1;
    this.keys[2 * i] = hi;
    this.keys[2 * i + 1] = lo;
    this.count++;
    return true;
  }

  /** Adds ids given as UBIGINT values' little-endian 32-bit halves (lo, hi, lo, hi, ...), as DuckDB hands them out. */
  addWords(words: Uint32Array): void {
    for (let i = 0; i + 1 < words.length; i += 2) this.add(words[i + 1]!, words[i]!);
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldUsed = this.used;
    const n = oldUsed.length * 2;
    this.keys = new Uint32Array(n * 2);
    this.used = new Uint8Array(n);
    this.mask = n - 1;
    this.count = 0;
    for (let i = 0; i < oldUsed.length; i++) if (oldUsed[i]) this.add(oldKeys[2 * i]!, oldKeys[2 * i + 1]!);
  }
}
