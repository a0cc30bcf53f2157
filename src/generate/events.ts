// The `events` format: events.ndjson, one JSON object per play as an event pipeline would emit it
// (event_ts = start of the play, action = its outcome).

import { join } from 'node:path';
import type { Catalogue } from './catalogue.js';
import type { Clock } from './clock.js';
import { ACTIONS, type Listen } from './listen.js';
import { ChunkWriter } from './out.js';
import { deriveSeed, mix32, type Rng } from './rng.js';
import { OneFileSink, type Sink } from './sink.js';
import type { Users } from './users.js';
import { COUNTRIES, DEVICES } from './vocab.js';

export const EVENT_KEYS = ['event_id', 'event_ts', 'user_id', 'song_id', 'artist_id', 'action', 'device', 'location', 'song_duration', 'session_id'] as const;

const hex8 = (x: number): string => (x >>> 0).toString(16).padStart(8, '0');

export class EventsSink extends OneFileSink implements Sink {
  private readonly idPrefix: string;
  private readonly salt: number;
  private readonly userPart: string[];
  private readonly userTail: string[];
  private readonly songPart: string[];
  private readonly actionPart: string[];
  private readonly devicePart: string[];
  private readonly durations: string[];

  constructor(out: string, users: Users, cat: Catalogue, private readonly clock: Clock, seed: number, private readonly year: number) {
    super(new ChunkWriter(join(out, 'events.ndjson')));
    const s = deriveSeed(seed, 0xe7e7);
    this.idPrefix = `{"event_id":"evt-${hex8(s)}`;
    this.salt = mix32(s ^ 0x5bd1e995);
    this.userPart = Array.from({ length: users.count }, (_, u) => `","user_id":"user_${u + 1}"`);
    this.userTail = Array.from({ length: users.count }, (_, u) => {
      const c = COUNTRIES[users.country[u] as number] as (typeof COUNTRIES)[number];
      const city = (c.cities[users.city[u] as number] as { name: string }).name;
      return `,"location":${JSON.stringify(`${city}, ${c.code}`)}`;
    });
    this.songPart = Array.from({ length: cat.count }, (_, t) => `,"song_id":"song_${t + 1}","artist_id":"artist_${(cat.artistOf[t] as number) + 1}"`);
    this.actionPart = ACTIONS.map((a) => `,"action":"${a}"`);
    this.devicePart = DEVICES.map((d) => `,"device":"${d}"`);
    this.durations = Array.from({ length: cat.count }, (_, t) => `,"song_duration":${Math.round((cat.durationMs[t] as number) / 1000)}`);
  }

  row(l: Listen): string {
    return this.rowWith(l, this.clock.isoMs(l.startMs), this.userPart[l.user] as string);
  }

  private rowWith(l: Listen, ts: string, user: string): string {
    return this.idPrefix + hex8(mix32(l.seq ^ this.salt)) + '","event_ts":"' + ts + user + (this.songPart[l.track] as string)
      + (this.actionPart[l.outcome] as string) + (this.devicePart[l.device] as string) + (this.userTail[l.user] as string)
      + (this.durations[l.track] as string) + ',"session_id":"user_' + (l.user + 1) + '-s' + l.session + '"}\n';
  }

  episodeRow(): string {
    throw new Error('events has no podcast episodes');
  }

  key(l: Listen): number {
    return l.startMs;
  }

  malformed(l: Listen, r: Rng): string {
    switch (r.int(3)) {
      case 0: {
        const full = this.row(l);
        return full.slice(0, Math.floor(full.length * r.range(0.25, 0.85))) + '\n';
      }
      case 1:
        return this.rowWith(l, this.clock.isoMs(l.startMs), `","user_id":[${l.user + 1},${r.int(1000)}]`);
      default:
        return this.rowWith(l, `${this.year}-02-30T25:61:00.000Z`, this.userPart[l.user] as string);
    }
  }

}
