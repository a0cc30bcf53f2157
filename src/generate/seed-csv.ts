// The `seed-csv` format: listening_logs.csv in the layout of the project's seed data
// (user_id,song_id,timestamp,duration_sec), the hot path of the 10M-row benchmark.

import { join } from 'node:path';
import type { Catalogue } from './catalogue.js';
import type { Clock } from './clock.js';
import type { Listen } from './listen.js';
import { ChunkWriter } from './out.js';
import type { Rng } from './rng.js';
import { OneFileSink, type Sink } from './sink.js';

export const SEED_LOG_HEADER = 'user_id,song_id,timestamp,duration_sec';

export class SeedCsvSink extends OneFileSink implements Sink {
  private readonly userIds: string[];
  private readonly songIds: string[];

  constructor(out: string, userCount: number, cat: Catalogue, private readonly clock: Clock, private readonly year: number) {
    super(new ChunkWriter(join(out, 'listening_logs.csv'), true));
    this.w.add(SEED_LOG_HEADER + '\n');
    this.userIds = Array.from({ length: userCount }, (_, i) => `user_${i + 1},`);
    this.songIds = Array.from({ length: cat.count }, (_, i) => `song_${i + 1},`);
  }

  row(l: Listen): string {
    return (this.userIds[l.user] as string) + (this.songIds[l.track] as string) + this.clock.sql(l.startMs) + ',' + Math.floor(l.playedMs / 1000) + '\n';
  }

  episodeRow(): string {
    throw new Error('seed-csv has no podcast episodes');
  }

  key(l: Listen): number {
    return Math.floor(l.startMs / 1000) * 1000;
  }

  malformed(l: Listen, r: Rng): string {
    const user = this.userIds[l.user] as string;
    const song = this.songIds[l.track] as string;
    const ts = this.clock.sql(l.startMs);
    const sec = Math.floor(l.playedMs / 1000);
    switch (r.int(5)) {
      case 0: return `${user}${song}${this.year}-13-45 25:00:00,${sec}\n`;
      case 1: return `,${song}${ts},${sec}\n`;
      case 2: return `${user}${song}${ts},-${sec + 1}\n`;
      case 3: return `${user}${song}${ts},${r.chance(0.5) ? 'abc' : `${sec}s`}\n`;
      default: return `#<corrupted record ${(r.u32() >>> 8).toString(16)}>\n`;
    }
  }

}
