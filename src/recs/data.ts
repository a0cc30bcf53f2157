// Reads what recommenders learn from out of the lake: user–item pairs with a weight (plays or minutes)
// and the time of the last play, and the item table (names, artist, genre, mood, audio features).
// Listens give tracks as items; HetRec-style play_counts give artists (or tracks) as items.
import type { DuckDBConnection } from '@duckdb/node-api';
import { attachLake } from '../lake/views.js';
import { dataPaths } from '../lake/paths.js';
import { openDb, all } from '../util/db.js';
import { UsageError } from '../util/errors.js';
import { AUDIO_FEATURES, featureMatrix } from '../ml/features.js';
import { DEFAULT_MOOD_OPTIONS, moodSql, type MoodOptions } from '../ml/moods.js';
import type { Pair } from './matrix.js';
import { seededRandom } from '../ml/random.js';

export { seededRandom };

export type RecsSource = 'listens' | 'play_counts';
export type WeightKind = 'plays' | 'minutes';
export type SplitKind = 'time' | 'random';

/** Items and what is known of each, by item index. */
export interface ItemTable {
  readonly kind: 'track' | 'artist';
  readonly keys: string[];
  readonly titles: (string | null)[];
  readonly artists: (string | null)[];
  readonly genres: (string | null)[];
  readonly moods: (string | null)[];
  /** n × AUDIO_FEATURES, NaN where unknown. */
  readonly features: Float32Array;
}

export interface LoadOptions {
  readonly source?: 'auto' | RecsSource;
  readonly weight?: 'auto' | WeightKind;
  readonly mood?: MoodOptions;
  /** Hold out part of the data for evaluation: each user's latest listens (time) or a random share of their pairs. */
  readonly split?: { readonly kind: SplitKind; readonly testShare: number; readonly seed: number };
}

export interface Dataset {
  readonly source: RecsSource;
  readonly weight: WeightKind;
  readonly users: string[];
  readonly items: ItemTable;
  readonly train: Pair[];
  /** Held-out pairs (empty without a split). */
  readonly test: Pair[];
  /** Whether pairs carry play times (listens do, play counts do not). */
  readonly timed: boolean;
  readonly split: SplitKind | null;
}

async function count(conn: DuckDBConnection, table: string): Promise<number> {
  return Number((await all(conn, `SELECT count(*) AS n FROM ${table}`))[0]!['n']);
}

/** Picks the source: listens when there are any, else play_counts; a clear error when neither has rows. */
async function pickSource(conn: DuckDBConnection, want: 'auto' | RecsSource, dataDir: string): Promise<RecsSource> {
  const listens = await count(conn, 'listens');
  const counts = await count(conn, 'play_counts');
  if (want === 'listens' && !listens) throw new UsageError(`the lake in ${dataDir} has no listens`, { hint: 'import listening history first (earshot import PATH), or use --source play_counts' });
  if (want === 'play_counts' && !counts) throw new UsageError(`the lake in ${dataDir} has no play_counts`, { hint: 'import HetRec Last.fm 2K (earshot import hetrec2011_lastfm_2k), or use --source listens' });
  if (want !== 'auto') return want;
  if (listens) return 'listens';
  if (counts) return 'play_counts';
  throw new UsageError(`the lake in ${dataDir} has neither listens nor play_counts to learn from`, { hint: 'import some data first: earshot import PATH --data DIR (or earshot generate --out world && earshot import world)' });
}

/** Per user, holds out floor(share × pairs) of their pairs at random (users with fewer than 1/share pairs keep all). */
export function randomSplit(pairs: readonly Pair[], share: number, seed: number): { train: Pair[]; test: Pair[] } {
  const byUser = new Map<number, Pair[]>();
  for (const p of pairs) {
    const l = byUser.get(p.user);
    if (l) l.push(p);
    else byUser.set(p.user, [p]);
  }
  const rnd = seededRandom(seed);
  const train: Pair[] = [];
  const test: Pair[] = [];
  for (const u of [...byUser.keys()].sort((a, b) => a - b)) {
    const l = byUser.get(u)!.slice().sort((a, b) => a.item - b.item);
    for (let i = l.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [l[i], l[j]] = [l[j]!, l[i]!];
    }
    const hold = Math.floor(l.length * share);
    // One by one: push(...l) passes each pair as an argument, and a user with ~120k pairs would overflow the stack.
    for (let i = 0; i < l.length; i++) (i < hold ? test : train).push(l[i]!);
  }
  return { train, test };
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Loads pairs and items from the lake in `dataDir`. */
export async function loadDataset(dataDir: string, opts: LoadOptions = {}): Promise<Dataset> {
  const db = await openDb();
  try {
    await attachLake(db.conn, dataPaths(dataDir));
    const source = await pickSource(db.conn, opts.source ?? 'auto', dataDir);
    const split = opts.split ?? null;
    if (split && split.kind === 'time' && source === 'play_counts') {
      throw new UsageError('play_counts have no play times, so a time split is impossible', { hint: 'use --split random (the default for play counts)' });
    }
    if (split && !(split.testShare > 0 && split.testShare < 1)) throw new UsageError(`the held-out share must be between 0 and 1, got ${split.testShare}`);
    return source === 'listens' ? await loadListens(db.conn, opts, split) : await loadPlayCounts(db.conn, opts, split);
  } finally {
    db.close();
  }
}

async function loadListens(conn: DuckDBConnection, opts: LoadOptions, split: LoadOptions['split'] | null): Promise<Dataset> {
  const mood = opts.mood ?? DEFAULT_MOOD_OPTIONS;
  let weight = opts.weight ?? 'auto';
  if (weight === 'auto') {
    const known = Number((await all(conn, `SELECT avg((ms_played IS NOT NULL)::INT) AS k FROM listens`))[0]!['k']);
    weight = known >= 0.9 ? 'minutes' : 'plays';
  }
  const share = split?.kind === 'time' ? split.testShare : 0;
  await conn.run(`CREATE TEMP TABLE rec_pairs AS
    WITH l AS (
      SELECT l.user_id, l.track_key, epoch_ms(l.listened_at) AS t,
        coalesce(l.ms_played, t.duration_ms, ${mood.defaultPlayMs}) AS ms,
        row_number() OVER (PARTITION BY l.user_id ORDER BY l.listened_at DESC, l.track_key) AS rn,
        count(*) OVER (PARTITION BY l.user_id) AS n
      FROM listens l LEFT JOIN (SELECT track_key, any_value(duration_ms) AS duration_ms FROM tracks GROUP BY 1) t USING (track_key)
      WHERE l.user_id IS NOT NULL AND l.track_key IS NOT NULL)
    SELECT user_id, track_key, (rn <= floor(n * ${share}))::INT AS test, count(*) AS plays, sum(ms) / 60000.0 AS minutes, max(t) AS last
    FROM l GROUP BY ALL`);
  await conn.run(`CREATE TEMP TABLE rec_items AS
    WITH k AS (SELECT DISTINCT track_key FROM rec_pairs UNION SELECT DISTINCT track_key FROM tracks WHERE track_key IS NOT NULL),
      n AS (SELECT track_key, any_value(track_name) AS track_name, any_value(artist_name) AS artist_name FROM listens GROUP BY 1),
      t AS (SELECT * FROM tracks QUALIFY row_number() OVER (PARTITION BY track_key ORDER BY ingested_at DESC) = 1)
    SELECT k.track_key AS key, coalesce(t.title, n.track_name) AS title, coalesce(t.artist_name, n.artist_name) AS artist, t.genre,
      ${moodSql(mood.thresholds)} AS mood, ${AUDIO_FEATURES.map((f) => `t."${f}"`).join(', ')}
    FROM k LEFT JOIN t USING (track_key) LEFT JOIN n USING (track_key) ORDER BY k.track_key`);
  return finish(conn, 'listens', weight, 'track', split ?? null);
}

async function loadPlayCounts(conn: DuckDBConnection, opts: LoadOptions, split: LoadOptions['split'] | null): Promise<Dataset> {
  if (opts.weight === 'minutes') throw new UsageError('play_counts carry plays, not minutes', { hint: 'use --weight plays' });
  await conn.run(`CREATE TEMP TABLE rec_pairs AS
    SELECT user_id, item_key AS track_key, 0 AS test, sum(plays) AS plays, NULL::DOUBLE AS minutes, NULL::BIGINT AS last
    FROM play_counts WHERE user_id IS NOT NULL AND item_key IS NOT NULL AND plays > 0 GROUP BY ALL`);
  const kinds = await all(conn, `SELECT DISTINCT item_kind FROM play_counts`);
  const kind = kinds.length === 1 && kinds[0]!['item_kind'] === 'track' ? 'track' : 'artist';
  await conn.run(`CREATE TEMP TABLE rec_items AS
    WITH k AS (SELECT DISTINCT track_key FROM rec_pairs),
      n AS (SELECT item_key AS track_key, any_value(item_name) AS item_name FROM play_counts GROUP BY 1),
      a AS (SELECT artist_key AS track_key, any_value(name) AS name FROM artists GROUP BY 1)
    SELECT k.track_key AS key, coalesce(a.name, n.item_name) AS title, coalesce(a.name, n.item_name) AS artist, NULL AS genre, NULL AS mood,
      ${AUDIO_FEATURES.map((f) => `NULL::DOUBLE AS "${f}"`).join(', ')}
    FROM k LEFT JOIN a USING (track_key) LEFT JOIN n USING (track_key) ORDER BY k.track_key`);
  return finish(conn, 'play_counts', 'plays', kind, split ?? null);
}

async function finish(conn: DuckDBConnection, source: RecsSource, weight: WeightKind, kind: 'track' | 'artist', split: LoadOptions['split'] | null): Promise<Dataset> {
  const itemRows = await all(conn, `SELECT * FROM rec_items`);
  const keys = itemRows.map((r) => String(r['key']));
  const itemIndex = new Map(keys.map((k, i) => [k, i]));
  const users = (await all(conn, `SELECT DISTINCT user_id FROM rec_pairs ORDER BY 1`)).map((r) => String(r['user_id']));
  const userIndex = new Map(users.map((u, i) => [u, i]));
  const reader = await conn.runAndReadAll(`SELECT user_id, track_key, test, plays::DOUBLE, minutes, last::DOUBLE FROM rec_pairs`);
  const train: Pair[] = [];
  const test: Pair[] = [];
  for (const r of reader.getRows()) {
    const w = weight === 'minutes' ? Number(r[4]) : Number(r[3]);
    const p: Pair = { user: userIndex.get(String(r[0]))!, item: itemIndex.get(String(r[1]))!, weight: w, last: r[5] === null ? NaN : Number(r[5]) };
    (Number(r[2]) ? test : train).push(p);
  }
  const items: ItemTable = {
    kind,
    keys,
    titles: itemRows.map((r) => str(r['title'])),
    artists: itemRows.map((r) => str(r['artist'])),
    genres: itemRows.map((r) => str(r['genre'])),
    moods: itemRows.map((r) => str(r['mood'])),
    features: featureMatrix(itemRows),
  };
  let out = { train, test };
  if (split?.kind === 'random') out = randomSplit(train, split.testShare, split.seed);
  return { source, weight, users, items, train: out.train, test: out.test, timed: source === 'listens', split: split?.kind ?? null };
}
