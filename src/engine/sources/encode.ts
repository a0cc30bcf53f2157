// Dictionary encoding done inside DuckDB. For the lake and file sources (DuckDictionaries) the engine's
// dictionaries are mirrored into tables of the source's private in-memory database (not TEMP: a second
// connection reads ahead with them), new strings are found with one DISTINCT query each (given ids in
// sorted order, so a replay gives the same ids), and listen queries then join to get integer ids. For
// the server's live batches (BatchDictionaries) only the strings of the batch are mirrored, so the cost
// of a batch does not grow with everything the engine has seen.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Dicts } from '../dict.js';
import { appendNumeric, appendRows } from '../../util/append.js';
import { streamRows } from './duck.js';

/**
 * Relations `memory.main.<prefix>_users|_tracks|_artists` (string, id) that map strings to the engine's
 * ids inside DuckDB: how each subclass makes and fills them differs, how they are read does not.
 */
abstract class MirrorTables {
  protected constructor(
    protected readonly conn: DuckDBConnection,
    protected readonly dicts: Dicts,
    private readonly prefix: string,
  ) {}

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
    await conn.run(`CREATE OR REPLACE TABLE memory.main.enc_users (user_id VARCHAR, id INTEGER)`);
    await conn.run(`CREATE OR REPLACE TABLE memory.main.enc_tracks (track_key VARCHAR, id INTEGER)`);
    await conn.run(`CREATE OR REPLACE TABLE memory.main.enc_artists (artist_name VARCHAR, id INTEGER)`);
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
 * The three dictionaries a batch mirrors: the string that gets an id (`key`), the columns read along with
 * it, and which of the batch's rows count. Each has a table of the batch's distinct keys numbered `ord`
 * in sorted order (`_s`), a table of their ids by `ord` (`_ids`) and the view joining the two.
 */
const BATCH_DICTS = [
  { name: 'users', key: 'user_id', extra: [], where: '' },
  { name: 'tracks', key: 'track_key', extra: ['track_name', 'artist_name'], where: '' },
  { name: 'artists', key: 'artist_name', extra: [], where: 'WHERE artist_name IS NOT NULL' },
] as const;

type BatchDict = (typeof BATCH_DICTS)[number];
const batchTable = (d: BatchDict): string => `memory.main.batch_${d.name}`;
const batchColumns = (d: BatchDict): string[] => [d.key, ...d.extra];

/**
 * Encoding for a stream of small batches (the server's acknowledged listens, a few thousand every
 * quarter second). DuckDictionaries' mirror tables hold every string the engine has seen, and each of its
 * queries builds a hash table of one of them: with a million tracks that was ~0.1 s of both cores for
 * every batch, however small. Here each batch's distinct strings are put in tables numbered in sorted
 * order (so new ones get ids in the same order as DuckDictionaries gives them), read once, given ids by
 * the engine's dictionaries in JavaScript, and only the ids go back, as (ord, id) integers appended a
 * chunk at a time: views `batch_users|_tracks|_artists` join the two, for the listen query and labels()
 * (the last batch's tracks). Writing the strings back, one appender call each, was a tenth of the
 * engine's event-loop time while catching up.
 */
export class BatchDictionaries extends MirrorTables {
  static async create(conn: DuckDBConnection, dicts: Dicts): Promise<BatchDictionaries> {
    for (const d of BATCH_DICTS) {
      const t = batchTable(d);
      await conn.run(`CREATE OR REPLACE TABLE ${t}_s (${batchColumns(d).map((c) => `${c} VARCHAR`).join(', ')}, ord INTEGER)`);
      await conn.run(`CREATE OR REPLACE TABLE ${t}_ids (ord INTEGER, id INTEGER)`);
      await conn.run(`CREATE OR REPLACE VIEW ${t} AS SELECT s.${d.key}, i.id FROM ${t}_s s JOIN ${t}_ids i USING (ord)`);
    }
    return new BatchDictionaries(conn, dicts, 'batch');
  }

  /** Gives an id to every user, track and artist of `rel` (a relation with user_id, track_key, track_name, artist_name). */
  async encode(rel: string): Promise<void> {
    await this.conn.run(
      BATCH_DICTS.map((d) => {
        const t = batchTable(d);
        const cols = [d.key, ...d.extra.map((c) => `any_value(${c})`), `(row_number() OVER (ORDER BY ${d.key}) - 1)::INTEGER`];
        return `DELETE FROM ${t}_s; DELETE FROM ${t}_ids; INSERT INTO ${t}_s SELECT ${cols.join(', ')} FROM (${rel}) ${d.where} GROUP BY ${d.key}`;
      }).join(';\n'),
    );
    // Each column of each _s table in `ord` order, as one JSON array made by DuckDB and parsed by
    // JSON.parse: reading a hundred thousand strings one vector item at a time (a native call and a decode
    // each) was the largest cost of the engine's catch-up.
    const exprs = BATCH_DICTS.flatMap((d) => batchColumns(d).map((c) => `(SELECT to_json(coalesce(list(${c} ORDER BY ord), []))::VARCHAR FROM ${batchTable(d)}_s)`));
    const row = (await this.conn.runAndReadAll(`SELECT ${exprs.join(', ')}`)).getRows()[0]!;
    const [users, keys, names, artistsOf, artists] = row.map((v) => JSON.parse(String(v)) as (string | null)[]);
    const d = this.dicts;
    await this.writeIds('users', users!.map((u) => d.users.id(u!)));
    await this.writeIds('tracks', keys!.map((k, i) => d.track(k!, names![i] ?? null, artistsOf![i] ?? null)));
    await this.writeIds('artists', artists!.map((a) => d.artists.id(a!)));
  }

  /** Appends (ord, id) for ord = 0, 1, ... */
  private async writeIds(name: string, ids: number[]): Promise<void> {
    const ord = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) ord[i] = i;
    await appendNumeric(this.conn, `batch_${name}_ids`, 'main', 'memory', [{ type: 'INTEGER', data: ord }, { type: 'INTEGER', data: Float64Array.from(ids) }], ids.length);
  }
}
