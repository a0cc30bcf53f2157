// Streaming text output: rows are encoded straight into large Buffers (so row strings die young and the
// GC stays cheap) and handed to a write stream, waiting for 'drain' when the disk falls behind.

import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

const CHUNK = 1 << 20;

export class ChunkWriter {
  private readonly stream: WriteStream;
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  private readonly ready: Buffer[] = [];
  private error: Error | undefined;
  private readonly enc: BufferEncoding;
  private readonly width: number;

  /** `ascii`: every row is known to be 7-bit, so the cheaper latin1 encoder gives the same bytes. */
  constructor(readonly path: string, ascii = false) {
    this.enc = ascii ? 'latin1' : 'utf8';
    this.width = ascii ? 1 : 3;
    this.stream = createWriteStream(path);
    this.stream.on('error', (e) => { this.error = e; });
  }

  add(text: string): void {
    if (this.pos + text.length * this.width > CHUNK) {
      this.rotate();
      if (text.length * this.width > CHUNK) {
        this.ready.push(Buffer.from(text, this.enc));
        return;
      }
    }
    this.pos += this.buf.write(text, this.pos, this.enc);
  }

  private rotate(): void {
    if (this.pos > 0) this.ready.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.pos = 0;
  }

  /** True once a chunk is complete and should be handed to the stream. */
  get full(): boolean {
    return this.ready.length > 0;
  }

  async flush(): Promise<void> {
    if (this.error) throw this.error;
    let ok = true;
    for (const b of this.ready.splice(0)) ok = this.stream.write(b);
    if (!ok) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.rotate();
    await this.flush();
    this.stream.end();
    await finished(this.stream);
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

/** A CSV field, quoted only when it contains a comma, quote or line break. */
export function csv(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
