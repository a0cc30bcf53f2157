// The schema of DATA/views.duckdb: the numeric row tables of src/views/tables.ts, the dictionaries that
// name their ids, and one SQL view per live view with readable columns (what `views dump` writes).
import { ident } from '../util/db.js';
import { VIEW_TABLES, type ViewName, type ViewTable } from '../views/tables.js';

const TABLES: readonly ViewTable[] = Object.values(VIEW_TABLES);
const ACTION_CASE = (c: string) => `CASE ${c} WHEN 0 THEN 'play' WHEN 1 THEN 'pause' WHEN 2 THEN 'skip' WHEN 3 THEN 'complete' END`;
const ts = (c: string) => `make_timestamp(CAST(${c} AS BIGINT) * 1000)::TIMESTAMPTZ`;

/** Statements creating every table (if missing) and (re)creating every view; run inside the views file. */
export function schemaSql(): string[] {
  const out = [
    `CREATE TABLE IF NOT EXISTS stream_users (id INTEGER, user_id VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS stream_tracks (id INTEGER, track_key VARCHAR, track_name VARCHAR, artist_name VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS stream_labels (kind VARCHAR, id INTEGER, label VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS stream_meta (key VARCHAR, value VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS counters (counter VARCHAR, value DOUBLE)`,
  ];
  for (const t of TABLES) out.push(`CREATE TABLE IF NOT EXISTS ${t.table} (${t.columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`);
  const label = (kind: string, col: string) => `(SELECT label FROM stream_labels WHERE kind = '${kind}' AND id = ${col})`;
  const top = (p: string, kind: string, field: string) =>
    `list_filter([${[1, 2, 3].map((i) => `CASE WHEN p.${p}${i} >= 0 THEN {'${field}': ${label(kind, `p.${p}${i}`)}, 'plays': CAST(p.${p}${i}_n AS BIGINT)} END`).join(', ')}], x -> x IS NOT NULL)`;
  const share = `coalesce((SELECT TRY_CAST(value AS DOUBLE) FROM stream_meta WHERE key = 'mood_tag_share'), 0.25)`;
  out.push(
    `CREATE OR REPLACE VIEW trending_tracks AS
       SELECT ${ts('r.window_start')} AS window_start, ${ts('r.window_end')} AS window_end, r.rank, t.track_key, t.track_name, t.artist_name, r.plays
       FROM trending_tracks_rows r LEFT JOIN stream_tracks t ON t.id = r.track`,
    `CREATE OR REPLACE VIEW action_counts AS
       SELECT ${ts('window_start')} AS window_start, ${ts('window_end')} AS window_end, ${ACTION_CASE('action')} AS action, events FROM action_counts_rows`,
    `CREATE OR REPLACE VIEW active_users AS
       SELECT ${ts('window_start')} AS window_start, ${ts('window_end')} AS window_end, users FROM active_users_rows`,
    `CREATE OR REPLACE VIEW user_profiles AS
       SELECT u.user_id, CAST(p.plays AS BIGINT) AS plays, p.ms / 60000.0 AS minutes, CAST(p.ms AS BIGINT) AS ms_played,
         CAST(p.skips AS BIGINT) AS skips, p.skips / p.plays AS skip_rate,
         CASE WHEN p.g1 >= 0 THEN ${label('genre', 'p.g1')} END AS favourite_genre,
         ${top('g', 'genre', 'genre')} AS top_genres,
         ${top('a', 'artist', 'artist')} AS top_artists,
         ${top('m', 'mood', 'mood')} AS top_moods,
         list_filter([${[1, 2, 3].map((i) => `CASE WHEN p.m${i} >= 0 AND p.m${i}_n >= p.mood_plays * ${share} THEN ${label('mood', `p.m${i}`)} END`).join(', ')}], x -> x IS NOT NULL) AS mood_tags,
         ${ts('p.first_ms')} AS first_listen, ${ts('p.last_ms')} AS last_listen
       FROM user_profiles_rows p LEFT JOIN stream_users u ON u.id = p.user`,
    `CREATE OR REPLACE VIEW sessions AS
       SELECT u.user_id, ${ts('s.session_start')} AS session_start, ${ts('s.session_end')} AS session_end, s.plays, s.ms / 60000.0 AS minutes, s.skips, s.open = 1 AS open
       FROM sessions_rows s LEFT JOIN stream_users u ON u.id = s.user`,
    `CREATE OR REPLACE VIEW late_listens AS
       SELECT ${ts('bucket_start')} AS bucket_start, ${ts('bucket_end')} AS bucket_end, late, max_lateness_ms / 1000.0 AS max_lateness_s FROM late_listens_rows`,
  );
  return out;
}

/** ORDER BY of each view when read or dumped. */
export const VIEW_ORDER: Readonly<Record<ViewName, string>> = {
  trending_tracks: 'window_start, rank',
  action_counts: 'window_start, action',
  active_users: 'window_start',
  user_profiles: 'user_id',
  sessions: 'user_id, session_start',
  late_listens: 'bucket_start',
  counters: 'counter',
};

