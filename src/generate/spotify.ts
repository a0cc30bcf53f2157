// The `spotify-extended` format: Streaming_History_Audio_<year>.json files as in a Spotify
// extended streaming-history export (one user; ts is the END of the play; a few podcast rows).

import { join } from 'node:path';
import type { Catalogue } from './catalogue.js';
import type { Clock } from './clock.js';
import { REASON_END, REASON_START, SKIP, type Listen } from './listen.js';
import { ChunkWriter } from './out.js';
import { Rng, mix32 } from './rng.js';
import type { Sink } from './sink.js';
import { STREAM } from './streams.js';
import type { Users } from './users.js';
import { episodeTitle } from './names.js';
import { COUNTRIES, PODCAST_SHOWS, SPOTIFY_PLATFORMS } from './vocab.js';

export const SPOTIFY_KEYS = ['ts', 'platform', 'ms_played', 'conn_country', 'ip_addr', 'master_metadata_track_name',
  'master_metadata_album_artist_name', 'master_metadata_album_album_name', 'spotify_track_uri', 'episode_name',
  'episode_show_name', 'spotify_episode_uri', 'audiobook_title', 'audiobook_uri', 'audiobook_chapter_uri',
  'audiobook_chapter_title', 'reason_start', 'reason_end', 'shuffle', 'skipped', 'offline', 'offline_timestamp',
  'incognito_mode'] as const;

const TEST_NETS = ['192.0.2.', '198.51.100.', '203.0.113.'];
const q = JSON.stringify;

interface YearFile { year: number; w: ChunkWriter; rows: number }

export class SpotifySink implements Sink {
  private current: YearFile | undefined;
  private readonly done: YearFile[] = [];
  private readonly closing: YearFile[] = [];
  private readonly trackPart: string[];
  private readonly country: string;

  constructor(private readonly out: string, users: Users, cat: Catalogue, private readonly clock: Clock, private readonly seed: number,
    private readonly startYear: number) {
    this.country = (COUNTRIES[users.country[0] as number] as { code: string }).code;
    this.trackPart = Array.from({ length: cat.count }, (_, t) =>
      `    "master_metadata_track_name": ${q(cat.title[t])},\n`
      + `    "master_metadata_album_artist_name": ${q(cat.artistName[cat.artistOf[t] as number])},\n`
      + `    "master_metadata_album_album_name": ${q(cat.albumName[cat.albumOf[t] as number])},\n`
      + `    "spotify_track_uri": "spotify:track:${cat.spotifyId[t]}",\n`
      + '    "episode_name": null,\n    "episode_show_name": null,\n    "spotify_episode_uri": null,\n');
  }

  /** End of the play in whole seconds, rounded up so ts - ms_played is never before the start. */
  private endSec(l: Listen): number {
    return Math.ceil((l.startMs + l.playedMs) / 1000);
  }

  private head(l: Listen, ts: string | null, ms: string): string {
    const ip = (TEST_NETS[l.session % 3] as string) + (1 + (mix32(l.user * 7919 + l.session) % 254));
    return '  {\n' + (ts === null ? '' : `    "ts": ${ts},\n`) + `    "platform": "${SPOTIFY_PLATFORMS[l.device]}",\n`
      + `    "ms_played": ${ms},\n    "conn_country": "${this.country}",\n    "ip_addr": "${ip}",\n`;
  }

  private tail(l: Listen): string {
    return '    "audiobook_title": null,\n    "audiobook_uri": null,\n    "audiobook_chapter_uri": null,\n    "audiobook_chapter_title": null,\n'
      + `    "reason_start": "${REASON_START[l.reasonStart]}",\n    "reason_end": "${REASON_END[l.outcome]}",\n`
      + `    "shuffle": ${l.shuffle},\n    "skipped": ${l.outcome === SKIP},\n    "offline": ${l.offline},\n`
      + `    "offline_timestamp": ${l.offline ? Math.floor(l.startMs / 1000) : 'null'},\n    "incognito_mode": ${l.incognito}\n  }`;
  }

  private musicRow(l: Listen, ts: string | null, ms: string): string {
    return this.head(l, ts, ms) + (this.trackPart[l.track] as string) + this.tail(l);
  }

  row(l: Listen): string {
    return this.musicRow(l, `"${this.clock.isoSec(this.endSec(l))}"`, String(l.playedMs));
  }

  episodeRow(l: Listen): string {
    const r = new Rng(this.seed, STREAM.episodes, l.episode);
    const show = r.pick(PODCAST_SHOWS);
    const episode = episodeTitle(r, 1 + r.int(300));
    const body = '    "master_metadata_track_name": null,\n    "master_metadata_album_artist_name": null,\n'
      + '    "master_metadata_album_album_name": null,\n    "spotify_track_uri": null,\n'
      + `    "episode_name": ${q(episode)},\n    "episode_show_name": ${q(show)},\n    "spotify_episode_uri": "spotify:episode:${r.base62()}",\n`;
    return this.head(l, `"${this.clock.isoSec(this.endSec(l))}"`, String(l.playedMs)) + body + this.tail(l);
  }

  key(l: Listen): number {
    return this.endSec(l) * 1000;
  }

  malformed(l: Listen, r: Rng): string {
    switch (r.int(3)) {
      case 0: return this.musicRow(l, `"${this.clock.isoSec(this.endSec(l))}"`, '"abc"');
      case 1: return this.musicRow(l, '"not-a-date"', String(l.playedMs));
      default: return this.musicRow(l, null, String(l.playedMs));
    }
  }

  /** Rows go to the file of their ts year; late, duplicate and broken rows stay in the open file. */
  write(text: string, key: number): void {
    const year = Number.isNaN(key) ? undefined : this.clock.yearOfSec(key / 1000);
    if (!this.current || (year !== undefined && year > this.current.year)) {
      if (this.current) {
        this.current.w.add('\n]');
        this.closing.push(this.current);
      }
      const y = year ?? this.startYear;
      this.current = { year: y, w: new ChunkWriter(join(this.out, `Streaming_History_Audio_${y}.json`)), rows: 0 };
      this.done.push(this.current);
    }
    const f = this.current;
    f.w.add((f.rows++ === 0 ? '[\n' : ',\n') + text);
  }

  get full(): boolean {
    return this.closing.length > 0 || (this.current?.w.full ?? false);
  }

  async flush(): Promise<void> {
    for (const f of this.closing.splice(0)) await f.w.close();
    await this.current?.w.flush();
  }

  async close(): Promise<string[]> {
    await this.flush();
    if (!this.current) {
      const w = new ChunkWriter(join(this.out, `Streaming_History_Audio_${this.startYear}.json`));
      w.add('[]');
      await w.close();
      return [w.path];
    }
    this.current.w.add('\n]');
    await this.current.w.close();
    return this.done.map((f) => f.w.path);
  }
}
