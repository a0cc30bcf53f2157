// Stream = batch: replaying a lake through the engine to the end gives, view by view, what a batch SQL
// computation over the same lake gives. The SQL is written here, independently of the engine: windows
// by unnesting each listen into the windows that hold it, sessions by the gap rule with window functions,
// favourite genre as the reports compute it. On a generated world and on the real Spotify export.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_CONFIG } from '../src/engine/config.js';
import { generateWorld } from '../src/generate/index.js';
import { runImport } from '../src/import/run.js';
import { DATASETS, needsDatasets, tempDir } from './helpers/lake.js';
import { compareDb, diff, rows, streamLake } from './helpers/stream.js';
import type { RunResult } from '../src/engine/runner.js';

const C = DEFAULT_CONFIG;

/** Listens counted in every hopping window (size, slide) that holds them: k·slide <= t < k·slide + size. */
const windowed = (cols: string, size: number, slide: number) => `
  SELECT ${cols}, unnest(range(epoch_ms(listened_at) // ${slide} - ${size / slide - 1}, epoch_ms(listened_at) // ${slide} + 1)) * ${slide} AS ws FROM listens`;

const BATCH = {
  trending: `SELECT ws, CAST(row_number() OVER (PARTITION BY ws ORDER BY plays DESC, track_key) AS BIGINT) AS rank, track_key, plays
    FROM (SELECT ws, track_key, count(*) AS plays FROM (${windowed('track_key', C.trending.size, C.trending.slide)}) GROUP BY ws, track_key)
    QUALIFY rank <= ${C.trending.top}`,
  actions: `SELECT ws, action, count(*) AS events FROM (${windowed('action', C.actions.size, C.actions.slide)}) GROUP BY ws, action`,
  active: `SELECT ws, count(DISTINCT user_id) AS users FROM (${windowed('user_id', C.active.size, C.active.slide)}) GROUP BY ws`,
  profiles: `SELECT p.user_id, p.plays, p.ms, f.genre AS favourite_genre FROM
      (SELECT user_id, count(*) AS plays, coalesce(sum(ms_played), 0) AS ms FROM listens GROUP BY user_id) p
      LEFT JOIN (SELECT l.user_id, t.genre FROM listens l JOIN tracks t ON t.track_key = l.track_key WHERE t.genre IS NOT NULL
                 GROUP BY l.user_id, t.genre QUALIFY row_number() OVER (PARTITION BY l.user_id ORDER BY count(*) DESC, t.genre) = 1) f USING (user_id)`,
  sessions: `WITH t AS (SELECT user_id, track_key, epoch_ms(listened_at) AS s, epoch_ms(listened_at) + coalesce(ms_played, 0) AS e FROM listens),
      m AS (SELECT *, CASE WHEN s - max(e) OVER (PARTITION BY user_id ORDER BY s, track_key ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) <= ${C.sessionGap} THEN 0 ELSE 1 END AS opens FROM t),
      n AS (SELECT *, sum(opens) OVER (PARTITION BY user_id ORDER BY s, track_key ROWS UNBOUNDED PRECEDING) AS sid FROM m)
    SELECT user_id, min(s) AS s, max(e) AS e, count(*) AS plays FROM n GROUP BY user_id, sid`,
};

const STREAM = {
  trending: `SELECT epoch_ms(window_start) AS ws, CAST(rank AS BIGINT) AS rank, track_key, CAST(plays AS BIGINT) AS plays FROM v.trending_tracks`,
  actions: `SELECT epoch_ms(window_start) AS ws, action, CAST(events AS BIGINT) AS events FROM v.action_counts`,
  active: `SELECT epoch_ms(window_start) AS ws, CAST(users AS BIGINT) AS users FROM v.active_users`,
  profiles: `SELECT user_id, plays, CAST(ms_played AS HUGEINT) AS ms, favourite_genre FROM v.user_profiles`,
  sessions: `SELECT user_id, epoch_ms(session_start) AS s, epoch_ms(session_end) AS e, CAST(plays AS BIGINT) AS plays FROM v.sessions`,
};

async function assertSame(conn: DuckDBConnection, view: keyof typeof BATCH): Promise<void> {
  const d = await diff(conn, BATCH[view], STREAM[view]);
  assert.deepEqual({ missing: d.missing, extra: d.extra }, { missing: 0, extra: 0 }, `${view}: ${JSON.stringify(d.examples)}`);
}

describe('stream = batch on a generated world', () => {
  let data = '';
  let res: RunResult;
  let conn: DuckDBConnection;
  let close = () => {};
  let cleanup: () => Promise<void> = async () => undefined;
  before(async () => {
    const t = await tempDir('earshot-sb-');
    cleanup = t.cleanup;
    await generateWorld({ out: join(t.dir, 'world'), users: 150, tracks: 1500, events: 40_000, days: 8, seed: 11, format: 'events', dirty: 0.002 });
    data = join(t.dir, 'data');
    await runImport({ inputs: [join(t.dir, 'world')], dataDir: data });
    res = await streamLake(data);
    const db = await compareDb(data, { v: data });
    conn = db.conn;
    close = () => db.close();
  });
  after(async () => {
    close();
    await cleanup();
  });

  test('every lake listen is accepted once, none late or rejected', async () => {
    const n = Number((await rows(conn, 'SELECT count(*) AS n FROM listens'))[0]!['n']);
    assert.equal(n, 40_000);
    assert.equal(res.counters['accepted'], n);
    assert.equal(res.counters['events_in'], n);
    assert.equal(res.counters['late'], 0);
    assert.equal(res.counters['rejected'], 0);
  });
  test('user_profiles: plays, ms played and favourite genre equal the batch SQL', async () => {
    await assertSame(conn, 'profiles');
    // The world has genres for every track: the comparison is not vacuous.
    assert.equal(Number((await rows(conn, 'SELECT count(*) AS n FROM v.user_profiles WHERE favourite_genre IS NULL'))[0]!['n']), 0);
  });
  test('trending_tracks: top 50 per 5-minute window sliding 1 minute equal a GROUP BY over the lake', async () => assertSame(conn, 'trending'));
  test('action_counts and active_users windows equal a GROUP BY over the lake', async () => {
    await assertSame(conn, 'actions');
    await assertSame(conn, 'active');
  });
  test('sessions equal the 30-minute gap rule in SQL', async () => assertSame(conn, 'sessions'));
});

describe('stream = batch on the real Spotify export', needsDatasets(), () => {
  let conn: DuckDBConnection;
  let close = () => {};
  let cleanup: () => Promise<void> = async () => undefined;
  let res: RunResult;
  before(async () => {
    const t = await tempDir('earshot-sb-spotify-');
    cleanup = t.cleanup;
    const data = join(t.dir, 'data');
    // The export, plus a Spotify catalogue sample so some tracks have genres.
    await runImport({ inputs: [join(DATASETS, 'spotify_extended_history'), join(DATASETS, 'spotify_tracks_114k_sample')], dataDir: data, user: 'me' });
    res = await streamLake(data);
    const db = await compareDb(data, { v: data });
    conn = db.conn;
    close = () => db.close();
  });
  after(async () => {
    close();
    await cleanup();
  });

  test('all 31,763 music listens stream through', async () => {
    const n = Number((await rows(conn, 'SELECT count(*) AS n FROM listens'))[0]!['n']);
    assert.equal(res.counters['accepted'], n);
    assert.ok(n > 30_000, `${n} listens`);
  });
  test('user_profiles equal the batch SQL', async () => assertSame(conn, 'profiles'));
  test('trending_tracks windows equal a GROUP BY over the lake', async () => assertSame(conn, 'trending'));
  test('action_counts, active_users and sessions equal the batch SQL', async () => {
    await assertSame(conn, 'actions');
    await assertSame(conn, 'active');
    await assertSame(conn, 'sessions');
  });
});
