// Floors for the import and seed-insights targets: the least a DuckDB script must do to produce the same
// result, with none of earshot's own work (no validation with named rejects, no line numbers, no lake
// layout, no store), measured in the same run as the product, so a target below the floor shows as such.
// Each runs in its own process (child.ts, reports-child.ts) on a fresh in-memory DuckDB.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { lit, openDb, scalar } from '../util/db.js';

/** The seed CSV read with typed columns: DuckDB's reader parses them, and drops the rows it cannot (no reject is kept). */
const typedLogs = (csv: string): string =>
  `read_csv(${lit(csv)}, header=true, columns={'user_id': 'VARCHAR', 'song_id': 'VARCHAR', 'timestamp': 'TIMESTAMP', 'duration_sec': 'DOUBLE'}, ignore_errors=true)`;

/** Valid listens (the import's rules, without naming what fails), first of each (user, song, time). */
async function loadListens(conn: DuckDBConnection, csv: string): Promise<void> {
  await conn.run(`CREATE TABLE l AS SELECT user_id, song_id, "timestamp" AS ts, CAST(round(duration_sec * 1000) AS BIGINT) AS ms
    FROM ${typedLogs(csv)}
    WHERE user_id IS NOT NULL AND song_id IS NOT NULL AND "timestamp" >= TIMESTAMP '2000-01-01' AND duration_sec BETWEEN 0 AND 86400`);
  // Duplicates: candidates by one 64-bit hash of the key (the cheapest way found), then the later rows of each key.
  await conn.run(`CREATE TABLE dup AS SELECT h FROM (SELECT hash(user_id, ts, song_id) AS h FROM l) GROUP BY h HAVING count(*) > 1`);
  await conn.run(`DELETE FROM l WHERE rowid IN (SELECT r FROM (
      SELECT rowid AS r, row_number() OVER (PARTITION BY user_id, ts, song_id ORDER BY rowid) AS n FROM l WHERE hash(user_id, ts, song_id) IN (SELECT h FROM dup)) WHERE n > 1)`);
}

async function loadSongs(conn: DuckDBConnection, csv: string): Promise<void> {
  await conn.run(`CREATE TABLE s AS SELECT DISTINCT ON (song_id) song_id, title, artist, genre, mood FROM read_csv(${lit(csv)}, header=true, all_varchar=true, ignore_errors=true) WHERE song_id IS NOT NULL`);
}

/**
 * Issue 2's floor: read the CSV, drop invalid and duplicate listens, join the names, and write one Parquet
 * file holding only the columns issue 2 says `listens` has (user_id, listened_at, ms_played, track_name,
 * artist_name, platform, country, action, source, and the id it came with). Returns the rows written.
 */
export async function importFloor(logs: string, songs: string, out: string): Promise<number> {
  const db = await openDb();
  try {
    const { conn } = db;
    await loadListens(conn, logs);
    await loadSongs(conn, songs);
    await conn.run('SET preserve_insertion_order = false');
    await conn.run(`COPY (
        SELECT l.user_id, l.ts AS listened_at, l.ms AS ms_played, s.title AS track_name, s.artist AS artist_name,
               NULL::VARCHAR AS platform, NULL::VARCHAR AS country, 'play' AS action, 'seed-listens' AS source, l.song_id
        FROM l LEFT JOIN s USING (song_id)
      ) TO ${lit(out)} (FORMAT parquet)`);
    return Number(await scalar(conn, `SELECT count(*) FROM read_parquet(${lit(out)})`));
  } finally {
    db.close();
  }
}

/**
 * The seven seed-insights tasks (src/reports/seed-insights/, same semantics and columns) as one script over
 * the CSV pair in memory: no lake and no store, each result written as `OUT/<task>.csv` as the bench's
 * earshot and pandas runs write theirs (so the files can be compared). Returns the rows of each.
 */
export async function seedInsightsFloor(logs: string, songs: string, outDir: string): Promise<Record<string, number>> {
  await mkdir(outDir, { recursive: true });
  const db = await openDb();
  try {
    const { conn } = db;
    await loadListens(conn, logs);
    await loadSongs(conn, songs);
    const rows: Record<string, number> = {};
    for (const [name, sql] of Object.entries(SEVEN)) {
      await conn.run(`COPY (${sql}) TO ${lit(join(outDir, `${name}.csv`))} (HEADER)`);
      rows[name] = Number(await scalar(conn, `SELECT count(*) FROM read_csv(${lit(join(outDir, `${name}.csv`))}, header=true, all_varchar=true)`));
    }
    return rows;
  } finally {
    db.close();
  }
}

const SEVEN: Record<string, string> = {
  user_favorite_genres: `SELECT user_id, genre, count(*) AS play_count FROM l JOIN s USING (song_id) WHERE genre IS NOT NULL
    GROUP BY user_id, genre QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY count(*) DESC, genre) = 1 ORDER BY user_id`,
  avg_listen_time_per_song: `SELECT song_id, ((2 * sum(ms) + 10 * count(*)) // (20 * count(*))) / 100 AS avg_duration FROM l GROUP BY song_id ORDER BY song_id`,
  top_songs_this_week: `WITH w AS (SELECT date_trunc('week', max(ts)) AS monday FROM l)
    SELECT song_id, count(*) AS plays FROM l, w WHERE ts >= w.monday AND ts < w.monday + INTERVAL 7 DAY GROUP BY song_id ORDER BY plays DESC, song_id LIMIT 10`,
  happy_recommendations: `WITH p AS (SELECT user_id, song_id, mood FROM l JOIN s USING (song_id)),
    sad AS (SELECT user_id, count(*) AS sad_count FROM p WHERE mood IS NOT NULL GROUP BY user_id, mood
            QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY count(*) DESC, mood) = 1 AND mood = 'Sad'),
    plays AS (SELECT song_id, count(*) AS n FROM l GROUP BY song_id),
    happy AS (SELECT s.song_id, s.title, row_number() OVER (ORDER BY coalesce(plays.n, 0) DESC, s.song_id) AS r FROM s LEFT JOIN plays USING (song_id) WHERE s.mood = 'Happy'),
    heard AS (SELECT DISTINCT p.user_id, happy.r FROM p JOIN sad USING (user_id) JOIN happy USING (song_id)),
    budget AS (SELECT sad.user_id, sad.sad_count, 3 + count(heard.r) AS k FROM sad LEFT JOIN heard USING (user_id) GROUP BY sad.user_id, sad.sad_count),
    picks AS (SELECT b.user_id, h.song_id, h.title, b.sad_count, h.r FROM budget b JOIN happy h ON h.r <= b.k
              ANTI JOIN heard x ON x.user_id = b.user_id AND x.r = h.r QUALIFY row_number() OVER (PARTITION BY b.user_id ORDER BY h.r) <= 3)
    SELECT user_id, song_id, title, sad_count FROM picks ORDER BY user_id, r`,
  genre_loyalty_scores: `WITH g AS (SELECT user_id, genre, count(*) AS plays FROM l JOIN s USING (song_id) GROUP BY user_id, genre),
    f AS (SELECT user_id, genre, plays, sum(plays) OVER (PARTITION BY user_id) AS total FROM g
          QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY genre IS NULL, plays DESC, genre) = 1),
    scored AS (SELECT user_id, genre, ((2 * plays * 10000 + total) // (2 * total)) / 10000 AS loyalty_score FROM f WHERE genre IS NOT NULL)
    SELECT * FROM scored WHERE loyalty_score > 0.8 ORDER BY user_id`,
  night_owl_users: `SELECT user_id, count(*) AS night_plays FROM l WHERE hour(ts) < 5 GROUP BY user_id ORDER BY user_id`,
  enriched_logs: `SELECT l.user_id, l.song_id, l.ts AS "timestamp", l.ms / 1000 AS duration_sec, s.title, s.artist, s.genre, s.mood
    FROM l LEFT JOIN s USING (song_id) ORDER BY l.ts, l.user_id, l.song_id`,
};
