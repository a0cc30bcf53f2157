// Dictionary encoding done inside DuckDB. For the lake and file sources (DuckDictionaries) the engine's
// dictionaries are mirrored into tables of the source's private in-memory database (not TEMP: a second
// connection reads ahead with them), new strings are found with one DISTINCT query each (given ids in
// sorted order, so a replay gives the same ids), and listen queries then join to get integer ids. For
// the server's live batches (BatchDictionaries) only the strings of the batch are mirrored, so the cost
// of a batch does not grow with everything the engine has seen.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Dicts } from '../dict.js';
import { appendRows } from '../../util/append.js';
import { streamRows } from './duck.js';

/**
 * Tables `memory.main.<prefix>_users|_tracks|_artists` (string, id) that map strings to the engine's
 * ids inside DuckDB: what each subclass puts in them differs, how they are read does not.
 */
abstract class MirrorTables {
  protected constructor(
    protected readonly conn: DuckDBConnection,
    protected readonly dicts: Dicts,
    private readonly prefix: string,
  ) {}

  protected static async createTables(conn: DuckDBConnection, prefix: string): Promise<void> {
    await conn.run(`CREATE OR REPLACE TABLE memory.main.${prefix}_users (user_id VARCHAR, id INTEGER)`);
    await conn.run(`CREATE OR REPLACE TABLE memory.main.${prefix}_tracks (track_key VARCHAR, id INTEGER)`);
    await conn.run(`CREATE OR REPLACE TABLE memory.main.${prefix}_artists (artist_name VARCHAR, id INTEGER)`);
  }

  /** Genre and mood, from a catalogue relation (track_key, genre, mood), of the mirrored tracks it has; the others keep theirs. */
  async labels(catalogue: string): Promise<void> {
    for await (const [id, genre, mood] of streamRows(
      this.conn,
      `SELECT e.id, c.genre, c.mood FROM memory.main.${this.prefix}_tracks e JOIN (SELECT track_key, any_value(genre) AS genre, any_value(mood) AS mood FROM (${catalogue}) GROUP BY track_key) c USING (track_key)`,
    )) {
      this.dicts.setTrackLabels(Number(id), genre === null ? null : String(genre), mood === null ? null : String(mood));
    }
  }

  /** The joins that turn a relation's strings into ids: FROM (rel) l JOIN ... */
  joins(alias = 'l'): string {
    const t = `memory.main.${this.prefix}`;
    return `JOIN ${t}_users eu ON eu.user_id = ${alias}.user_id JOIN ${t}_tracks et ON et.track_key = ${alias}.track_key LEFT JOIN ${t}_artists ea ON ea.artist_name = ${alias}.artist_name`;
  }
}

const text = (v: unknown): string | null => (v === null ? null : String(v));

/** Every string the engine has seen, mirrored (for replays of the lake and of files). */
export class DuckDictionaries extends MirrorTables {
  private pushed = { users: 0, tracks: 0, artists: 0 };

  static async create(conn: DuckDBConnection, dicts: Dicts): Promise<DuckDictionaries> {
    await MirrorTables.createTables(conn, 'enc');
    return new DuckDictionaries(conn, dicts, 'enc');
  }

  private async push(): Promise<void> {
    const d = this.dicts;
    const p = this.pushed;
    await appendRows(this.conn, 'enc_users', 'main', 'memory', ['VARCHAR', 'INTEGER'], d.users.values.slice(p.users).map((v, i) => [v, p.users + i]));
    await appendRows(this.conn, 'enc_tracks', 'main', 'memory', ['VARCHAR', 'INTEGER'], d.tracks.values.slice(p.tracks).map((v, i) => [v, p.tracks + i]));
    await appendRows(this.conn, 'enc_artists', 'main', 'memory', ['VARCHAR', 'INTEGER'], d.artists.values.slice(p.artists).map((v, i) => [v, p.artists + i]));
    this.pushed = { users: d.users.size, tracks: d.tracks.size, artists: d.artists.size };
  }

  /** Gives an id to every user, track and artist of `rel` (a relation with user_id, track_key, track_name, artist_name). */
  async encode(rel: string): Promise<void> {
    await this.push();
    const d = this.dicts;
    for await (const [u] of streamRows(this.conn, `SELECT DISTINCT user_id FROM (${rel}) WHERE user_id NOT IN (SELECT user_id FROM memory.main.enc_users) ORDER BY 1`)) d.users.id(String(u));
    for await (const [k, name, artist] of streamRows(
      this.conn,
      `SELECT track_key, any_value(track_name), any_value(artist_name) FROM (${rel}) WHERE track_key NOT IN (SELECT track_key FROM memory.main.enc_tracks) GROUP BY 1 ORDER BY 1`,
    )) {
      d.track(String(k), text(name), text(artist));
    }
    for await (const [a] of streamRows(
      this.conn,
      `SELECT DISTINCT artist_name FROM (${rel}) WHERE artist_name IS NOT NULL AND artist_name NOT IN (SELECT artist_name FROM memory.main.enc_artists) ORDER BY 1`,
    )) {
      d.artists.id(String(a));
    }
    await this.push();
  }
}

/**
 * Encoding for a stream of small batches (the server's acknowledged listens, a few thousand every
 * quarter second). DuckDictionaries' mirror tables hold every string the engine has seen, and each of its
 * queries builds a hash table of one of them: with a million tracks that was ~0.1 s of both cores for
 * every batch, however small. Here each batch's distinct strings are read once (sorted, so new ones get
 * ids in the same order as DuckDictionaries gives them), given ids by the engine's dictionaries in
 * JavaScript, and written to per-batch mapping tables that the listen query joins (and labels() reads:
 * the last batch's tracks).
 */
export class BatchDictionaries extends MirrorTables {
  static async create(conn: DuckDBConnection, dicts: Dicts): Promise<BatchDictionaries> {
    await MirrorTables.createTables(conn, 'batch');
    return new BatchDictionaries(conn, dicts, 'batch');
  }

  /** Gives an id to every user, track and artist of `rel` (a relation with user_id, track_key, track_name, artist_name). */
  async encode(rel: string): Promise<void> {
    const d = this.dicts;
    await this.conn.run('DELETE FROM memory.main.batch_users; DELETE FROM memory.main.batch_tracks; DELETE FROM memory.main.batch_artists');
    const users: [string, number][] = [];
    for await (const [u] of streamRows(this.conn, `SELECT DISTINCT user_id FROM (${rel}) ORDER BY 1`)) users.push([String(u), d.users.id(String(u))]);
    const tracks: [string, number][] = [];
    for await (const [k, name, artist] of streamRows(this.conn, `SELECT track_key, any_value(track_name), any_value(artist_name) FROM (${rel}) GROUP BY 1 ORDER BY 1`)) {
      tracks.push([String(k), d.track(String(k), text(name), text(artist))]);
    }
    const artists: [string, number][] = [];
    for await (const [a] of streamRows(this.conn, `SELECT DISTINCT artist_name FROM (${rel}) WHERE artist_name IS NOT NULL ORDER BY 1`)) artists.push([String(a), d.artists.id(String(a))]);
    await appendRows(this.conn, 'batch_users', 'main', 'memory', ['VARCHAR', 'INTEGER'], users);
    await appendRows(this.conn, 'batch_tracks', 'main', 'memory', ['VARCHAR', 'INTEGER'], tracks);
    await appendRows(this.conn, 'batch_artists', 'main', 'memory', ['VARCHAR', 'INTEGER'], artists);
  }
}
