// `generateWorld`: a deterministic, realistic synthetic listening world (catalogue, listeners, sessions,
// dirty rows) written in one of the formats earshot imports. Same options, same bytes.
//
// What `events` counts: valid, distinct music listens — summary.listens always equals it. Dirty rows are written
// in addition: malformed rows and duplicates are extra rows; late rows are some of those listens placed out of order.
// spotify-extended is one user's export: `users` is ignored there (user 1's profile is the same as in any world
// with the same seed), rows are ordered by ts (the end of a play), and round(0.5% of events) podcast-episode rows
// are extra (summary.episodes). Listens are shared by activity, but no listener gets more than fit in `days`
// (45% of the time at the mean track length): the surplus goes to the others, and a world too big for
// users × days is refused with a RangeError naming the option to raise. A user's plays never overlap, so
// (user, start time, track) is unique. See docs/generate.md.

import { mkdir } from 'node:fs/promises';
import { writeSongsMetadata, writeSpotifyTracks } from './catalogue-files.js';
import { buildCatalogue } from './catalogue.js';
import { Clock } from './clock.js';
import { dirtyPlan, pump } from './dirty.js';
import { ListenEngine } from './engine.js';
import { EventsSink } from './events.js';
import { EndOrdered } from './order.js';
import { ParquetSink, writeTracksParquet } from './parquet.js';
import { SeedCsvSink } from './seed-csv.js';
import type { Sink } from './sink.js';
import { SpotifySink } from './spotify.js';
import { buildUsers } from './users.js';

export type GenerateFormat = 'seed-csv' | 'events' | 'spotify-extended' | 'parquet';
export const GENERATE_FORMATS: readonly GenerateFormat[] = ['seed-csv', 'events', 'spotify-extended', 'parquet'];

export interface GenerateOptions {
  /** Output directory, created if missing. */
  out: string;
  /** Listeners (ignored by spotify-extended, which is always user 1's export). */
  users: number;
  tracks: number;
  /** Valid, distinct music listens to write (dirty rows come on top; see the file comment). */
  events: number;
  days: number;
  seed: number;
  format: GenerateFormat;
  /** Share 0..1 of dirty records relative to `events`: 40% malformed, 40% duplicates, 20% late. */
  dirty: number;
  /** ISO date (YYYY-MM-DD, UTC) of the first day; default 2026-01-01. */
  start?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateSummary {
  files: string[];
  /** Rows an importer should accept as listens: valid and not duplicates (= events). */
  listens: number;
  tracks: number;
  users: number;
  malformed: number;
  duplicates: number;
  /** Listens written out of time order. */
  late: number;
  /** Podcast-episode rows (spotify-extended only), not counted in listens. */
  episodes: number;
  /** Wall time of the run; not part of any file. */
  seconds: number;
}

export const GENERATE_DEFAULTS = { users: 200, tracks: 2000, events: 100000, days: 30, seed: 42, format: 'seed-csv', dirty: 0.002 } as const;
export const DEFAULT_START = '2026-01-01';

const DAY = 86_400_000;

function check(ok: boolean, what: string): void {
  if (!ok) throw new RangeError(`generate: ${what}`);
}

/** Start of the range in ms: a YYYY-MM-DD date (UTC midnight) or a full ISO timestamp with zone. */
export function parseStart(start: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(start) ? Date.parse(`${start}T00:00:00Z`) : Date.parse(start);
  check(Number.isFinite(ms) && (!/^\d{4}-\d{2}-\d{2}$/.test(start) || new Date(ms).toISOString().startsWith(start)), `start is not a valid date: ${start}`);
  return ms;
}

export async function generateWorld(opts: GenerateOptions): Promise<GenerateSummary> {
  const began = performance.now();
  const int = (x: number): boolean => Number.isInteger(x);
  check(typeof opts.out === 'string' && opts.out.length > 0, 'out directory is required');
  check(int(opts.users) && opts.users >= 1, 'users must be an integer >= 1');
  check(int(opts.tracks) && opts.tracks >= 1, 'tracks must be an integer >= 1');
  check(int(opts.events) && opts.events >= 0, 'events must be an integer >= 0');
  check(int(opts.days) && opts.days >= 1, 'days must be an integer >= 1');
  check(Number.isFinite(opts.seed), 'seed must be a finite number');
  check(GENERATE_FORMATS.includes(opts.format), `format must be one of ${GENERATE_FORMATS.join(', ')}`);
  check(Number.isFinite(opts.dirty) && opts.dirty >= 0 && opts.dirty <= 1, 'dirty must be between 0 and 1');

  const startMs = parseStart(opts.start ?? DEFAULT_START);
  const endMs = startMs + opts.days * DAY;
  const startYear = new Date(startMs).getUTCFullYear();

  const spotify = opts.format === 'spotify-extended';
  const cat = buildCatalogue(opts.seed, opts.tracks, startYear - 1);
  const users = buildUsers(opts.seed, spotify ? 1 : opts.users, cat);
  const clock = new Clock(startMs, endMs);
  const episodes = spotify ? Math.round(opts.events * 0.005) : 0;
  // Refuses (RangeError) a world whose listens cannot fit in users × days, before anything is written.
  const engine = new ListenEngine({ seed: opts.seed, users, cat, listens: opts.events, episodes, startMs, endMs, usersFixed: spotify });
  await mkdir(opts.out, { recursive: true });

  const files: string[] = [];
  let sink: Sink;
  switch (opts.format) {
    case 'seed-csv':
      files.push(await writeSongsMetadata(opts.out, cat));
      sink = new SeedCsvSink(opts.out, users.count, cat, clock, startYear);
      break;
    case 'events':
      files.push(await writeSongsMetadata(opts.out, cat));
      sink = new EventsSink(opts.out, users, cat, clock, opts.seed, startYear);
      break;
    case 'spotify-extended':
      files.push(await writeSpotifyTracks(opts.out, cat));
      sink = new SpotifySink(opts.out, users, cat, clock, opts.seed, startYear);
      break;
    case 'parquet':
      files.push(await writeTracksParquet(opts.out, cat));
      sink = new ParquetSink(opts.out, users, cat, clock);
      break;
  }
  const plan = dirtyPlan(opts.dirty, opts.events, opts.format !== 'parquet');
  // Spotify's clock is the end of a play, so that stream is reordered by end time.
  const source = spotify ? new EndOrdered(engine) : engine;
  const res = await pump(source, sink, plan, opts.seed, opts.events, opts.onProgress);
  files.push(...(await sink.close()));

  return {
    files, listens: res.listens, tracks: cat.count, users: users.count, malformed: res.malformed, duplicates: res.duplicates,
    late: res.late, episodes: res.episodes, seconds: (performance.now() - began) / 1000,
  };
}
