// The `parquet` format: listens.parquet and tracks.parquet with the lake's own columns (src/model/schema.ts),
// written by streaming rows to a temporary CSV and letting DuckDB convert it.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { LISTEN_COLUMNS, TRACK_COLUMNS, type ColumnSpec } from '../model/schema.js';
import type { Catalogue } from './catalogue.js';
import type { Clock } from './clock.js';
import { ACTIONS, REASON_END, REASON_START, SKIP, type Listen } from './listen.js';
import { ChunkWriter, csv } from './out.js';
import { OneFileSink, type Sink } from './sink.js';
import type { Users } from './users.js';
import { COUNTRIES, DEVICES, GENRES, MOODS } from './vocab.js';

export const PARQUET_LISTEN_COLUMNS = LISTEN_COLUMNS.filter((c) => !['listen_id', 'track_key', 'ingested_at'].includes(c.name));
export const PARQUET_TRACK_COLUMNS = TRACK_COLUMNS.filter((c) => !['track_key', 'ingested_at', 'origin'].includes(c.name));

/** Field order of the rows this file builds; checked against the schema so a schema change fails loudly. */
const LISTEN_FIELDS = ['user_id', 'listened_at', 'track_name', 'artist_name', 'album_name', 'ms_played', 'action', 'skipped', 'shuffle',
  'offline', 'incognito', 'reason_start', 'reason_end', 'platform', 'country', 'city', 'session_id', 'spotify_track_uri', 'isrc',
  'recording_mbid', 'artist_mbid', 'release_mbid', 'song_id', 'artist_id', 'source', 'origin'];
const TRACK_FIELDS = ['title', 'artist_name', 'album_name', 'genre', 'mood', 'duration_ms', 'release_date', 'popularity', 'explicit',
  'danceability', 'energy', 'valence', 'tempo', 'acousticness', 'instrumentalness', 'speechiness', 'liveness', 'loudness', 'key',
  'mode', 'time_signature', 'spotify_id', 'song_id', 'source'];

function checkFields(cols: readonly ColumnSpec[], fields: string[]): void {
  const names = cols.map((c) => c.name).join(',');
  if (names !== fields.join(',')) throw new Error(`generator parquet columns out of date with schema: ${names}`);
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** CSV (all text, empty = NULL) to Parquet with the schema's types, row order kept. */
async function csvToParquet(csvPath: string, parquetPath: string, cols: readonly ColumnSpec[]): Promise<void> {
  // One thread, so row groups (and so the bytes) never depend on the machine.
  const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', threads: '1' });
  const con = await db.connect();
  try {
    const columns = cols.map((c) => `${sqlString(c.name)}: 'VARCHAR'`).join(', ');
    const select = cols.map((c) => `CAST("${c.name}" AS ${c.type}) AS "${c.name}"`).join(', ');
    await con.run(`COPY (SELECT ${select} FROM read_csv(${sqlString(csvPath)}, header = true, delim = ',', quote = '"', escape = '"',
      nullstr = '', auto_detect = false, columns = {${columns}})) TO ${sqlString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

export async function writeTracksParquet(out: string, c: Catalogue): Promise<string> {
  checkFields(PARQUET_TRACK_COLUMNS, TRACK_FIELDS);
  const tmp = join(out, '.tracks.tmp.csv');
  const path = join(out, 'tracks.parquet');
  const w = new ChunkWriter(tmp);
  w.add(TRACK_FIELDS.join(',') + '\n');
  for (let t = 0; t < c.count; t++) {
    w.add([csv(c.title[t] as string), csv(c.artistName[c.artistOf[t] as number] as string), csv(c.albumName[c.albumOf[t] as number] as string),
      GENRES[c.genre[t] as number], MOODS[c.mood[t] as number], c.durationMs[t], c.albumDate[c.albumOf[t] as number], c.popularity[t],
      c.explicit[t] ? 'true' : 'false', c.danceability[t], c.energy[t], c.valence[t], c.tempo[t], c.acousticness[t], c.instrumentalness[t],
      c.speechiness[t], c.liveness[t], c.loudness[t], c.key[t], c.mode[t], c.timeSignature[t], c.spotifyId[t], `song_${t + 1}`,
      'generator'].join(',') + '\n');
    if (w.full) await w.flush();
  }
  await w.close();
  try {
    await csvToParquet(tmp, path, PARQUET_TRACK_COLUMNS);
  } finally {
    await rm(tmp, { force: true });
  }
  return path;
}

export class ParquetSink extends OneFileSink implements Sink {
  private readonly userPart: string[];
  private readonly userPlace: string[];
  private readonly trackPart: string[];
  private readonly trackTail: string[];

  constructor(private readonly out: string, users: Users, cat: Catalogue, private readonly clock: Clock) {
    checkFields(PARQUET_LISTEN_COLUMNS, LISTEN_FIELDS);
    super(new ChunkWriter(join(out, '.listens.tmp.csv')));
    this.w.add(LISTEN_FIELDS.join(',') + '\n');
    this.userPart = Array.from({ length: users.count }, (_, u) => `user_${u + 1},`);
    this.userPlace = Array.from({ length: users.count }, (_, u) => {
      const c = COUNTRIES[users.country[u] as number] as (typeof COUNTRIES)[number];
      return `,${c.code},${csv((c.cities[users.city[u] as number] as { name: string }).name)},user_${u + 1}-s`;
    });
    this.trackPart = Array.from({ length: cat.count }, (_, t) => `,${csv(cat.title[t] as string)},${
      csv(cat.artistName[cat.artistOf[t] as number] as string)},${csv(cat.albumName[cat.albumOf[t] as number] as string)},`);
    this.trackTail = Array.from({ length: cat.count }, (_, t) =>
      `,spotify:track:${cat.spotifyId[t]},${cat.isrc[t]},,,,song_${t + 1},artist_${(cat.artistOf[t] as number) + 1},generator,\n`);
  }

  row(l: Listen): string {
    return (this.userPart[l.user] as string) + this.clock.isoMs(l.startMs) + (this.trackPart[l.track] as string) + l.playedMs + ','
      + ACTIONS[l.outcome] + ',' + (l.outcome === SKIP) + ',' + l.shuffle + ',' + l.offline + ',' + l.incognito + ','
      + REASON_START[l.reasonStart] + ',' + REASON_END[l.outcome] + ',' + DEVICES[l.device] + (this.userPlace[l.user] as string)
      + l.session + (this.trackTail[l.track] as string);
  }

  episodeRow(): string {
    throw new Error('parquet has no podcast episodes');
  }

  key(l: Listen): number {
    return l.startMs;
  }

  malformed(): null {
    return null;
  }


  override async close(): Promise<string[]> {
    await this.w.close();
    const path = join(this.out, 'listens.parquet');
    try {
      await csvToParquet(this.w.path, path, PARQUET_LISTEN_COLUMNS);
    } finally {
      await rm(this.w.path, { force: true });
    }
    return [path];
  }
}
