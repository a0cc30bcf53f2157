// The contract between the listen stream (with its dirty rows) and one output format.

import type { ChunkWriter } from './out.js';
import type { Listen } from './listen.js';
import type { Rng } from './rng.js';

export interface Sink {
  /** The clean row for a music listen, as the format writes it. */
  row(l: Listen): string;
  /** The row for a podcast-episode play (formats that carry episodes). */
  episodeRow(l: Listen): string;
  /**
   * The row's time in ms as the file shows it (whole seconds for seed-csv, the end of the play for Spotify).
   * Rows are written in key order; a row whose key is below that of a row written before it is a late row.
   */
  key(l: Listen): number;
  /** A broken version of the listen's row; null where the format has no malformed rows. */
  malformed(l: Listen, r: Rng): string | null;
  /** Appends a row; `key` is NaN for malformed rows. */
  write(text: string, key: number): void;
  /** True when buffered output should be flushed before going on. */
  readonly full: boolean;
  flush(): Promise<void>;
  /** Finishes the files and returns their paths. */
  close(): Promise<string[]>;
}

/** The writing half of a Sink whose rows go to one chunked file: formats extend it and add their rows. */
export abstract class OneFileSink {
  constructor(protected readonly w: ChunkWriter) {}

  write(text: string): void {
    this.w.add(text);
  }

  get full(): boolean {
    return this.w.full;
  }

  flush(): Promise<void> {
    return this.w.flush();
  }

  async close(): Promise<string[]> {
    await this.w.close();
    return [this.w.path];
  }
}
