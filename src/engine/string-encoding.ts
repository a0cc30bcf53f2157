// Append-only string lists (a dictionary's values, the tracks' names) as checkpoint sections: each
// string's UTF-8 byte length (-1 for null) and the bytes, kept between checkpoints so that a checkpoint
// encodes only the strings added since the one before. JSON of a whole dictionary at every checkpoint
// cost the event loop ~0.3 s a checkpoint on a server that had seen a million tracks, growing with them.

/** The length of a null; below it, -2 - n marks a string stored as n bytes of JSON (one that is not well-formed UTF-16). */
const NULL_LEN = -1;

export interface EncodedStrings {
  /** Per string: its byte length; -1 null; -2 - n a JSON string of n bytes (lone surrogates kept exactly). */
  readonly lens: Int32Array;
  readonly bytes: Uint8Array;
}

/** `isWellFormed` is ES2024 (Node ≥ 20); the project's lib is ES2022. */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

export class StringEncoder {
  private lens: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private bytes: Buffer = Buffer.allocUnsafe(1 << 16);
  private count = 0;
  private used = 0;

  /**
   * The encoding of `values` (which only ever grew since the last call or `adopt`), encoding only the
   * strings added since. The result views this encoder's buffers: valid until the next call.
   */
  encode(values: readonly (string | null)[]): EncodedStrings {
    const n = values.length;
    if (n < this.count) throw new Error(`string list shrank from ${this.count} to ${n} entries since it was last encoded`);
    if (this.lens.length < n) this.lens = grownInt32(this.lens, n);
    for (let i = this.count; i < n; i++) {
      const s = values[i];
      if (s === null || s === undefined) {
        this.lens[i] = NULL_LEN;
        continue;
      }
      const text = wellFormed(s) ? s : JSON.stringify(s);
      this.reserve(text.length * 3);
      const w = this.bytes.write(text, this.used, 'utf8');
      this.used += w;
      this.lens[i] = text === s ? w : -w - 2;
    }
    this.count = n;
    return { lens: this.lens.subarray(0, n), bytes: this.bytes.subarray(0, this.used) };
  }

  /** Takes a decoded section as this encoder's state: the strings it holds need no encoding again. */
  adopt(e: EncodedStrings): void {
    this.lens = grownInt32(new Int32Array(0), Math.max(e.lens.length, 1024));
    this.lens.set(e.lens);
    this.bytes = Buffer.allocUnsafe(Math.max(e.bytes.byteLength * 2, 1 << 16));
    this.bytes.set(e.bytes);
    this.count = e.lens.length;
    this.used = e.bytes.byteLength;
  }

  /** Forgets everything encoded (the list was replaced). */
  reset(): void {
    this.count = 0;
    this.used = 0;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    // A new buffer: a checkpoint still writing the old one's bytes keeps them as they were.
    const b = Buffer.allocUnsafe(Math.max(this.used + extra, this.bytes.length * 2));
    this.bytes.copy(b, 0, 0, this.used);
    this.bytes = b;
  }
}

function grownInt32(a: Int32Array, need: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** The strings of an encoding, in order. Throws when the lengths run past the bytes. */
export function decodeStrings(e: EncodedStrings): (string | null)[] {
  const buf = Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength);
  const out: (string | null)[] = new Array<string | null>(e.lens.length);
  let o = 0;
  for (let i = 0; i < e.lens.length; i++) {
    const l = e.lens[i]!;
    if (l === NULL_LEN) {
      out[i] = null;
      continue;
    }
    const len = l >= 0 ? l : -l - 2;
    if (o + len > buf.byteLength) throw new Error(`string ${i} runs past the end of its section (${o + len} > ${buf.byteLength} bytes)`);
    const text = buf.toString('utf8', o, o + len);
    out[i] = l >= 0 ? text : (JSON.parse(text) as string);
    o += len;
  }
  if (o !== buf.byteLength) throw new Error(`the section holds ${buf.byteLength} bytes but its strings take ${o}`);
  return out;
}
