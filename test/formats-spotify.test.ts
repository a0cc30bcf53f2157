// The Spotify formats on the real exports and catalogues in the shared datasets, plus small broken
// inputs. Every expected number and value here was read from the source files with Python/jq, not
// from earshot: e.g. listened_at = ts - ms_played computed by hand for the rows named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { detectFormat } from '../src/formats/registry.js';
import { attachLake } from '../src/lake/views.js';
import { dataPaths } from '../src/lake/paths.js';
import { queryConn } from '../src/lake/query.js';
import { openDb, type Db } from '../src/util/db.js';
import { DATASETS, needsDatasets, tempDir } from './helpers/lake.js';

// One DuckDB per lake for all the queries of a test: a lake of ~1,000 day partitions is slow to open per query.
const open = new Map<string, Db>();

async function conn(dataDir: string): Promise<Db> {
  let db = open.get(dataDir);
  if (!db) {
    db = await openDb();
    await attach(db, dataDir);
    open.set(dataDir, db);
  }
  return db;
}

/** The lake's views, each shadowed by a temp-table copy so repeated queries do not re-read every Parquet file. */
async function attach(db: Db, dataDir: string): Promise<void> {
  await attachLake(db.conn, dataPaths(dataDir));
  for (const t of ['listens', 'other_plays', 'tracks', 'rejects']) await db.conn.run(`CREATE OR REPLACE TEMP TABLE ${t} AS SELECT * FROM main.${t}`);
}

const q = async (dataDir: string, sql: string): Promise<Record<string, unknown>[]> => (await queryConn((await conn(dataDir)).conn, sql)).rows;
const one = async (dataDir: string, sql: string): Promise<unknown> => Object.values((await q(dataDir, sql))[0] ?? {})[0];

/** Re-reads the lake's files after another import; closes when `close`. */
async function refresh(dataDir: string, close = false): Promise<void> {
  const db = open.get(dataDir);
  if (!db) return;
  if (close) {
    db.close();
    open.delete(dataDir);
  } else await attach(db, dataDir);
}

/** A temp dir whose lake connections are closed before it is removed. */
async function scratch(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const t = await tempDir();
  return {
    dir: t.dir,
    cleanup: async () => {
      for (const d of [...open.keys()]) if (d.startsWith(t.dir)) await refresh(d, true);
      await t.cleanup();
    },
  };
}

const ds = (...p: string[]): string => join(DATASETS, ...p);
const at = (col: string): string => `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%g')`;

/** One record of the newer Extended Streaming History layout, with overrides. */
function ext(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ts: '2023-09-25T12:26:38Z', platform: 'windows', ms_played: 228000, conn_country: 'IN', ip_addr: '',
    master_metadata_track_name: 'Ye Pyar Nahi To Kya Hai', master_metadata_album_artist_name: 'Rahul Jain',
    master_metadata_album_album_name: 'Ye Pyar Nahi To Kya Hai', spotify_track_uri: 'spotify:track:0MNgTp3FLtbPiCvrG8lsru',
    episode_name: null, episode_show_name: null, spotify_episode_uri: null, audiobook_title: null, audiobook_uri: null,
    audiobook_chapter_uri: null, audiobook_chapter_title: null, reason_start: 'playbtn', reason_end: 'trackdone',
    shuffle: false, skipped: false, offline: false, offline_timestamp: 1695644471, incognito_mode: false, ...over,
  };
}
const NO_TRACK = { master_metadata_track_name: null, master_metadata_album_artist_name: null, master_metadata_album_album_name: null, spotify_track_uri: null };

test('spotify-extended: the real export folder (JSON + CSV audio, video files), then again adds nothing', needsDatasets(), async () => {
  const { dir, cleanup } = await scratch();
  try {
    const folder = ds('spotify_extended_history');
    const s = await runImport({ inputs: [folder], dataDir: dir });
    assert.deepEqual(s.files.map((f) => f.format), Array(7).fill('spotify-extended'));
    // 31,778 audio rows + 48 video rows; 15 audio rows are podcast episodes (no track URI).
    assert.equal(s.totals.read, 31_826);
    assert.equal(s.totals.rejected, 0);
    // Exact duplicates by (ts - ms_played, track URI): 7, all in the 2024 CSV (0 ms double-logged plays,
    // e.g. 4 rows of 'Selfish Love' ending 2024-02-08T12:10:43Z with ms_played 0).
    assert.equal(s.totals.duplicatesInImport, 7);
    assert.equal(s.files[1]!.duplicatesInImport, 7);
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 31_763 - 7);
    assert.equal(await one(dir, "SELECT count(*) FROM listens WHERE spotify_track_uri = 'spotify:track:3XoflnowYPFRPOh3uFvHcm' AND epoch_ms(listened_at) = 1707394243000"), 1);
    assert.deepEqual(await q(dir, 'SELECT kind, count(*) AS n, sum(ms_played)::BIGINT AS ms FROM other_plays GROUP BY kind ORDER BY kind'), [
      { kind: 'podcast', n: 15, ms: 2_540_622 },
      { kind: 'video', n: 48, ms: 385_363 },
    ]);
    assert.deepEqual(await q(dir, `SELECT count(DISTINCT spotify_track_uri) AS uris, count(DISTINCT user_id) AS users, min(user_id) AS u,
        count(*) FILTER (WHERE skipped) AS skipped, count(*) FILTER (WHERE shuffle) AS shuffle, count(*) FILTER (WHERE offline) AS offline,
        count(*) FILTER (WHERE incognito) AS incognito, count(*) FILTER (WHERE country = 'IN') AS india, sum(ms_played)::BIGINT AS ms FROM listens`), [
      { uris: 4_689, users: 1, u: 'me', skipped: 14_625, shuffle: 13_378, offline: 43, incognito: 0, india: 31_756, ms: 4_777_916_622 },
    ]);
    assert.deepEqual(await q(dir, 'SELECT action, count(*) AS n FROM listens GROUP BY action ORDER BY action'), [
      { action: 'complete', n: 14_544 }, { action: 'play', n: 2_587 }, { action: 'skip', n: 14_625 },
    ]);
    assert.deepEqual(await q(dir, 'SELECT platform, count(*) AS n FROM listens GROUP BY platform ORDER BY n DESC'), [
      { platform: 'windows', n: 20_996 }, { platform: 'android', n: 10_754 }, { platform: 'unknown', n: 6 },
    ]);
    // Earliest start: ts 2023-07-03T15:57:11Z minus 51,440 ms; latest: ts 2026-06-02T18:32:09Z minus its ms_played.
    assert.deepEqual(await q(dir, `SELECT ${at('min(listened_at)')} AS lo, ${at('max(listened_at)')} AS hi FROM listens`), [
      { lo: '2023-07-03T15:56:19.560', hi: '2026-06-02T18:27:42.818' },
    ]);
    // First record of Streaming_History_Audio_2023.json: ts 2023-09-25T12:26:38Z, ms_played 228000.
    assert.deepEqual(
      await q(dir, `SELECT user_id, ${at('listened_at')} AS at, track_key, track_name, artist_name, album_name, ms_played, action, skipped, shuffle,
        offline, incognito, reason_start, reason_end, platform, country, dt::VARCHAR AS dt, source FROM listens
        WHERE spotify_track_uri = 'spotify:track:0MNgTp3FLtbPiCvrG8lsru' AND listened_at = TIMESTAMPTZ '2023-09-25 12:22:50+00'`),
      [{
        user_id: 'me', at: '2023-09-25T12:22:50.000', track_key: 'spotify:track:0MNgTp3FLtbPiCvrG8lsru', track_name: 'Ye Pyar Nahi To Kya Hai',
        artist_name: 'Rahul Jain', album_name: 'Ye Pyar Nahi To Kya Hai', ms_played: 228_000, action: 'complete', skipped: false, shuffle: false,
        offline: false, incognito: false, reason_start: 'playbtn', reason_end: 'trackdone', platform: 'windows', country: 'IN', dt: '2023-09-25',
        source: 'spotify-extended',
      }],
    );
    // First row of Streaming_History_Audio_2024.csv: 2024-11-30T13:35:06Z, android, 160333, ... clickrow,logout,True,False,False
    assert.deepEqual(
      await q(dir, `SELECT ${at('listened_at')} AS at, track_name, artist_name, album_name, action, skipped, shuffle, offline, reason_end, platform
        FROM listens WHERE spotify_track_uri = 'spotify:track:5Xe4kq8j3saW89CSNQGawF' AND ms_played = 160333`),
      [{ at: '2024-11-30T13:32:25.667', track_name: 'Chaudhary', artist_name: 'Mame Khan', album_name: 'Coke Studio S2', action: 'play',
        skipped: false, shuffle: true, offline: false, reason_end: 'logout', platform: 'android' }],
    );
    // A podcast row of Audio_2023.json: ts 2023-09-28T06:45:19Z, ms_played 16204.
    assert.deepEqual(
      await q(dir, `SELECT user_id, kind, ${at('played_at')} AS at, title, show_name, ms_played, platform, country FROM other_plays
        WHERE uri = 'spotify:episode:57Gw3CsoEgQaYPZ33OND3G'`),
      [{ user_id: 'me', kind: 'podcast', at: '2023-09-28T06:45:02.796', title: 'Rabba Janda -1', show_name: 'Rabba Janda-1', ms_played: 16_204,
        platform: 'android', country: 'IN' }],
    );
    // Streaming_History_Video_2026.json: one video-podcast episode; Video_2024.json: 43 music videos with track URIs.
    assert.deepEqual(
      await q(dir, `SELECT kind, ${at('played_at')} AS at, show_name, ms_played FROM other_plays WHERE uri = 'spotify:episode:27QDZ74Xoq3cwjd7lG3Lgm'`),
      [{ kind: 'video', at: '2026-01-17T17:39:28.598', show_name: 'The Horror Show by Khooni Monday - Scary Stories in Hindi', ms_played: 2402 }],
    );
    assert.equal(await one(dir, "SELECT count(*) FROM other_plays WHERE kind = 'video' AND uri LIKE 'spotify:track:%'"), 43);

    const again = await runImport({ inputs: [folder], dataDir: dir });
    await refresh(dir);
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.rejected, 0);
    // The 7 repeated streams in the 2024 CSV are again duplicates within the import; the rest are in the lake.
    assert.equal(again.totals.duplicatesInLake, 31_819);
    assert.equal(again.totals.duplicatesInImport, 7);
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 31_756);
    assert.equal(await one(dir, 'SELECT count(*) FROM other_plays'), 63);
  } finally {
    await cleanup();
  }
});

test('spotify-extended: ListenBrainz importer fixtures (newer layout, endsong layout, skipped tracks)', needsDatasets(), async () => {
  const { dir, cleanup } = await scratch();
  try {
    const imp = (f: string) => ds('listenbrainz_fixtures', 'importer', f);
    const s = await runImport({
      inputs: [imp('spotify_streaming_2023.json'), imp('spotify_streaming_endsong_0.json'), imp('spotify_skipped_tracks.json')],
      dataDir: dir,
    });
    assert.deepEqual(s.files.map((f) => [f.format, f.read, f.accepted, f.duplicates, f.rejected]), [
      ['spotify-extended', 5, 5, 0, 0],
      ['spotify-extended', 5, 5, 0, 0],
      // records 11-13 are one stream logged three times (same ts, ms_played, URI, username); record 14 has no ms_played;
      // record 15 (username '') is the same stream as endsong_0.json record 5: a duplicate across files.
      ['spotify-extended', 15, 11, 3, 1],
    ]);
    assert.deepEqual(await q(dir, 'SELECT loc, field, reason FROM rejects'), [
      { loc: 14, field: 'ms_played', reason: 'expected ms_played, the milliseconds played (the start is ts - ms_played)' },
    ]);
    // endsong_0.json: username is '' in 4 records (-> 'me') and 'mordicus!' in one; skipped_tracks.json: 'MyUsername' in 13 of 15.
    assert.deepEqual(await q(dir, 'SELECT user_id, count(*) AS n FROM listens GROUP BY user_id ORDER BY user_id'), [
      { user_id: 'MyUsername', n: 11 }, { user_id: 'me', n: 9 }, { user_id: 'mordicus!', n: 1 },
    ]);
    // endsong record 4: ts 2010-12-01T10:28:44Z, ms_played 212022, incognito_mode null.
    assert.deepEqual(
      await q(dir, `SELECT ${at('listened_at')} AS at, track_name, artist_name, action, skipped, incognito, platform, country FROM listens WHERE user_id = 'mordicus!'`),
      [{ at: '2010-12-01T10:25:11.978', track_name: 'I Turn My Camera On', artist_name: 'Spoon', action: 'complete', skipped: false, incognito: null,
        platform: null, country: null }],
    );
    // endsong record 3: skipped null, reason_end logout -> action play, skipped false (derived from reason_end).
    assert.deepEqual(await q(dir, "SELECT action, skipped, ms_played FROM listens WHERE track_name = 'Ghlana'"), [{ action: 'play', skipped: false, ms_played: 0 }]);
    // skipped_tracks record 2: skipped false but reason_end fwdbtn -> action skip, the source flag is kept.
    assert.deepEqual(await q(dir, "SELECT action, skipped FROM listens WHERE track_name = 'Mountain Sound'"), [{ action: 'skip', skipped: false }]);
    // record 11 (the first of the three copies) wins: skipped true.
    assert.deepEqual(await q(dir, "SELECT action, skipped FROM listens WHERE track_name = 'Jazz Suite No. 2: 1. March'"), [{ action: 'skip', skipped: true }]);
    // spotify_streaming_2023.json record 1: 2024-04-20T18:15:22Z - 2385 ms, fwdbtn/fwdbtn, shuffle, offline, conn_country ''.
    assert.deepEqual(
      await q(dir, `SELECT ${at('listened_at')} AS at, action, skipped, shuffle, offline, country FROM listens WHERE track_name = 'Beqaaboo'`),
      [{ at: '2024-04-20T18:15:19.615', action: 'skip', skipped: true, shuffle: true, offline: true, country: null }],
    );
  } finally {
    await cleanup();
  }
});

test('spotify-extended: --user names the user where the export does not', needsDatasets(), async () => {
  const { dir, cleanup } = await scratch();
  try {
    await runImport({ inputs: [ds('listenbrainz_fixtures', 'importer', 'spotify_streaming_endsong_0.json')], dataDir: dir, user: 'alice' });
    assert.deepEqual(await q(dir, 'SELECT user_id, count(*) AS n FROM listens GROUP BY user_id ORDER BY user_id'), [
      { user_id: 'alice', n: 4 }, { user_id: 'mordicus!', n: 1 },
    ]);
  } finally {
    await cleanup();
  }
});

test('spotify-extended: a truncated JSON array keeps the complete records and rejects the cut one', async () => {
  const { dir, cleanup } = await scratch();
  try {
    const recs = [ext(), ext({ ts: '2023-09-25T12:30:00Z', ms_played: 1000 }), ext({ ts: '2023-09-25T12:40:00Z' }), ext({ ts: '2023-09-25T12:50:00Z' })];
    const full = JSON.stringify(recs, null, 2);
    const cut = full.slice(0, full.lastIndexOf('"ms_played"'));
    const file = join(dir, 'Streaming_History_Audio_2023.json');
    await writeFile(file, cut);
    const s = await runImport({ inputs: [file], dataDir: join(dir, 'data') });
    assert.equal(s.files[0]!.format, 'spotify-extended');
    assert.equal(s.totals.accepted, 3);
    assert.equal(s.totals.rejected, 1);
    const rej = await q(join(dir, 'data'), 'SELECT loc_kind, loc, field, reason FROM rejects');
    assert.equal(rej.length, 1);
    assert.equal(rej[0]!['loc_kind'], 'record');
    assert.equal(rej[0]!['loc'], 4);
    assert.equal(rej[0]!['field'], '(record)');
    assert.match(String(rej[0]!['reason']), /record 4 \(truncated JSON\)/);
    assert.equal(await one(join(dir, 'data'), 'SELECT count(*) FROM listens'), 3);
  } finally {
    await cleanup();
  }
});

test('spotify-extended: bad records are rejected naming the field; the rest land where they belong', async () => {
  const { dir, cleanup } = await scratch();
  try {
    const recs = [
      ext(), // 1 ok
      ext({ ts: '2023-09-25T13:00:00Z', ms_played: 'abc' }), // 2
      ext({ ts: 'not-a-date' }), // 3
      (({ ts: _ts, ...r }) => r)(ext()), // 4 no ts
      ext({ ts: '2023-09-25T13:10:00Z', ...NO_TRACK }), // 5 no track, episode or audiobook
      ext({ ts: '2023-09-25T13:20:00Z', ...NO_TRACK, audiobook_title: 'Dune', audiobook_uri: 'spotify:show:dune', audiobook_chapter_uri: 'spotify:episode:ch1', audiobook_chapter_title: 'Chapter 1' }), // 6
      ext({ ts: '2023-09-25T13:30:00Z', username: 'alice' }), // 7
      ext({ ts: '2023-02-30T10:00:00Z' }), // 8 impossible date
      ext({ ts: '2023-09-25T13:40:00Z', skipped: 'maybe' }), // 9
      ext({ ts: '2023-09-25T13:50:00Z', ms_played: -5 }), // 10
      ext({ ts: '2023-09-25T14:00:00Z', ...NO_TRACK, episode_name: 'Ep 1', episode_show_name: 'Show', spotify_episode_uri: 'spotify:episode:e1' }), // 11
      ext({ ts: '2023-09-25T14:10:00Z', spotify_track_uri: null, master_metadata_track_name: 'Local File Song' }), // 12 local file: name only
      ext({ ts: '2023-09-25T14:20:00Z', ms_played: { n: 1 } }), // 13
      'not an object', // 14
    ];
    const file = join(dir, 'my-spotify-history.json'); // detected from the content, not the name
    await writeFile(file, JSON.stringify(recs, null, 2));
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [file], dataDir: data });
    assert.equal(s.files[0]!.format, 'spotify-extended');
    assert.equal(s.totals.read, 14);
    assert.deepEqual(await q(data, 'SELECT loc, field, got FROM rejects ORDER BY loc'), [
      { loc: 2, field: 'ms_played', got: 'abc' },
      { loc: 3, field: 'ts', got: 'not-a-date' },
      { loc: 4, field: 'ts', got: null },
      { loc: 5, field: 'spotify_track_uri', got: null },
      { loc: 8, field: 'ts', got: '2023-02-30T10:00:00Z' },
      { loc: 9, field: 'skipped', got: 'maybe' },
      { loc: 10, field: 'ms_played', got: '-5' },
      { loc: 13, field: 'ms_played', got: '{"n":1}' },
      { loc: 14, field: '(record)', got: '"not an object"' },
    ]);
    assert.match(String(await one(data, 'SELECT reason FROM rejects WHERE loc = 5')), /track .*episode .*audiobook/);
    assert.deepEqual(await q(data, 'SELECT user_id, track_key FROM listens ORDER BY listened_at'), [
      { user_id: 'me', track_key: 'spotify:track:0MNgTp3FLtbPiCvrG8lsru' },
      { user_id: 'alice', track_key: 'spotify:track:0MNgTp3FLtbPiCvrG8lsru' },
      { user_id: 'me', track_key: 'name:rahul jain — local file song' },
    ]);
    assert.deepEqual(await q(data, `SELECT kind, ${at('played_at')} AS at, title, show_name, uri FROM other_plays ORDER BY played_at`), [
      { kind: 'audiobook', at: '2023-09-25T13:16:12.000', title: 'Chapter 1', show_name: 'Dune', uri: 'spotify:episode:ch1' },
      { kind: 'podcast', at: '2023-09-25T13:56:12.000', title: 'Ep 1', show_name: 'Show', uri: 'spotify:episode:e1' },
    ]);
  } finally {
    await cleanup();
  }
});

test('spotify-extended: CSV conversion (True/False, empty = null, missing columns) and video by file name', async () => {
  const { dir, cleanup } = await scratch();
  try {
    const csv = join(dir, 'history.csv');
    await writeFile(csv, [
      'ts,platform,ms_played,conn_country,master_metadata_track_name,master_metadata_album_artist_name,spotify_track_uri,episode_name,spotify_episode_uri,reason_end,shuffle,skipped,offline,incognito_mode',
      '2024-11-30T13:35:06Z,android,160333,IN,Chaudhary,Mame Khan,spotify:track:5Xe4kq8j3saW89CSNQGawF,,,logout,True,False,False,False',
      '2024-11-30T14:00:00Z,android,abc,IN,Chaudhary,Mame Khan,spotify:track:5Xe4kq8j3saW89CSNQGawF,,,logout,True,False,False,False',
      '2024-11-30T14:10:00Z,android,1000,,Chaudhary,Mame Khan,spotify:track:5Xe4kq8j3saW89CSNQGawF,,,fwdbtn,Maybe,,,',
      '2024-11-30T14:20:00Z,windows,2000,,,,,Ep 2,spotify:episode:e2,endplay,False,True,False,False',
      '2024-11-30T14:30:00Z,windows,3000,,Chaudhary,Mame Khan,spotify:track:5Xe4kq8j3saW89CSNQGawF,,,fwdbtn,False,,False,',
      '',
    ].join('\n'));
    const video = join(dir, 'Streaming_History_Video_2030.json');
    await writeFile(video, JSON.stringify([ext(), ext({ ts: '2023-09-25T13:00:00Z', ...NO_TRACK, episode_name: 'Vid', spotify_episode_uri: 'spotify:episode:v1' })]));
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [csv, video], dataDir: data });
    assert.deepEqual(s.files.map((f) => [f.format, f.read, f.accepted, f.rejected]), [['spotify-extended', 5, 3, 2], ['spotify-extended', 2, 2, 0]]);
    assert.deepEqual(await q(data, 'SELECT loc, field, got FROM rejects ORDER BY loc'), [
      { loc: 3, field: 'ms_played', got: 'abc' },
      { loc: 4, field: 'shuffle', got: 'Maybe' },
    ]);
    assert.deepEqual(await q(data, `SELECT ${at('listened_at')} AS at, action, skipped, shuffle, country, album_name FROM listens ORDER BY listened_at`), [
      { at: '2024-11-30T13:32:25.667', action: 'play', skipped: false, shuffle: true, country: 'IN', album_name: null },
      { at: '2024-11-30T14:29:57.000', action: 'skip', skipped: true, shuffle: false, country: null, album_name: null },
    ]);
    assert.deepEqual(await q(data, 'SELECT kind, title, uri FROM other_plays ORDER BY played_at'), [
      { kind: 'video', title: 'Ye Pyar Nahi To Kya Hai', uri: 'spotify:track:0MNgTp3FLtbPiCvrG8lsru' },
      { kind: 'video', title: 'Vid', uri: 'spotify:episode:v1' },
      { kind: 'podcast', title: 'Ep 2', uri: 'spotify:episode:e2' },
    ]);
  } finally {
    await cleanup();
  }
});

test('spotify-account: the real StreamingHistory0-5.json, then again adds nothing', needsDatasets(), async () => {
  const { dir, cleanup } = await scratch();
  try {
    const folder = ds('spotify_account_history');
    const s = await runImport({ inputs: [folder], dataDir: dir });
    assert.deepEqual(s.files.map((f) => [f.format, f.read]), [
      ['spotify-account', 10_000], ['spotify-account', 10_000], ['spotify-account', 10_000], ['spotify-account', 10_000], ['spotify-account', 10_000],
      ['spotify-account', 4_429],
    ]);
    // No two records share (endTime - msPlayed, artist, track): 0 duplicates, all 54,429 land.
    assert.equal(s.totals.read, 54_429);
    assert.equal(s.totals.duplicates, 0);
    assert.equal(s.totals.rejected, 0);
    assert.deepEqual(await q(dir, `SELECT count(*) AS n, count(DISTINCT artist_name) AS artists, sum(ms_played)::BIGINT AS ms, min(user_id) AS u,
        count(DISTINCT user_id) AS users, count(*) FILTER (WHERE action = 'play') AS plays, count(skipped) AS flags, count(spotify_track_uri) AS uris FROM listens`), [
      { n: 54_429, artists: 2_169, ms: 5_776_460_709, u: 'me', users: 1, plays: 54_429, flags: 0, uris: 0 },
    ]);
    // First records of StreamingHistory0.json: endTime 2021-04-22 05:41, msPlayed 6408 and 905493 (a podcast episode): the two earliest starts.
    assert.deepEqual(await q(dir, `SELECT ${at('listened_at')} AS at, track_key, track_name, artist_name, ms_played FROM listens
        ORDER BY listened_at LIMIT 2`), [
      { at: '2021-04-22T05:25:54.507', track_key: 'name:gemischtes hack — #144 gib mir ph', track_name: '#144 GIB MIR PH', artist_name: 'Gemischtes Hack', ms_played: 905_493 },
      { at: '2021-04-22T05:40:53.592', track_key: 'name:shindy — dreams', track_name: 'Dreams', artist_name: 'Shindy', ms_played: 6_408 },
    ]);
    // Last record of StreamingHistory5.json: 2022-04-22 21:45, Burna Boy, Gbona, 1270 ms.
    assert.deepEqual(await q(dir, `SELECT ${at('listened_at')} AS at, track_name FROM listens ORDER BY listened_at DESC LIMIT 1`), [
      { at: '2022-04-22T21:44:58.730', track_name: 'Gbona' },
    ]);
    assert.equal(await one(dir, "SELECT count(*) FROM listens WHERE artist_name = 'Gemischtes Hack'"), 395);
    const again = await runImport({ inputs: [folder], dataDir: dir });
    await refresh(dir);
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicatesInLake, 54_429);
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 54_429);
  } finally {
    await cleanup();
  }
});

test('spotify-account: bad records are rejected naming the field; the podcast layout goes to other_plays', async () => {
  const { dir, cleanup } = await scratch();
  try {
    const recs = [
      { endTime: '2021-04-22 05:41', artistName: 'Shindy', trackName: 'Dreams', msPlayed: 6408 },
      { endTime: '2021-13-45 10:00', artistName: 'Shindy', trackName: 'Dreams', msPlayed: 6408 },
      { endTime: '2021-04-22 06:00', artistName: 'Shindy', trackName: 'Dreams', msPlayed: 'x' },
      { endTime: '2021-04-22 06:10', artistName: 'Shindy', msPlayed: 1000 },
      { endTime: '2021-04-22', artistName: 'Shindy', trackName: 'Dreams', msPlayed: 1000 },
      { artistName: 'Shindy', trackName: 'Dreams', msPlayed: 1000 },
      { endTime: '2021-04-22 06:20', podcastName: 'Gemischtes Hack', episodeName: '#144 GIB MIR PH', msPlayed: 60000 },
    ];
    const file = join(dir, 'StreamingHistory0.json');
    await writeFile(file, JSON.stringify(recs));
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [file], dataDir: data, user: 'bob' });
    assert.equal(s.files[0]!.format, 'spotify-account');
    assert.deepEqual(await q(data, 'SELECT loc, field, got FROM rejects ORDER BY loc'), [
      { loc: 2, field: 'endTime', got: '2021-13-45 10:00' },
      { loc: 3, field: 'msPlayed', got: 'x' },
      { loc: 4, field: 'trackName', got: null },
      { loc: 5, field: 'endTime', got: '2021-04-22' },
      { loc: 6, field: 'endTime', got: null },
    ]);
    assert.deepEqual(await q(data, `SELECT user_id, ${at('listened_at')} AS at, action FROM listens`), [{ user_id: 'bob', at: '2021-04-22T05:40:53.592', action: 'play' }]);
    assert.deepEqual(await q(data, `SELECT user_id, kind, ${at('played_at')} AS at, title, show_name FROM other_plays`), [
      { user_id: 'bob', kind: 'podcast', at: '2021-04-22T06:19:00.000', title: '#144 GIB MIR PH', show_name: 'Gemischtes Hack' },
    ]);
  } finally {
    await cleanup();
  }
});

test('spotify-tracks: the 114k-dataset sample (CRLF), 251 repeated track_ids are duplicates, then again adds nothing', needsDatasets(), async () => {
  const { dir, cleanup } = await scratch();
  try {
    const file = ds('spotify_tracks_114k_sample', 'dataset_sample.csv');
    const s = await runImport({ inputs: [file], dataDir: dir });
    assert.equal(s.files[0]!.format, 'spotify-tracks');
    assert.deepEqual([s.totals.read, s.totals.accepted, s.totals.duplicatesInImport, s.totals.rejected], [10_000, 9_749, 251, 0]);
    // First data row: 64337,4ChVFOiAIPwnKLgWGUcErS,Nat King Cole,Classic Christmas Music 2022,O Holy Night - Remastered 1999,0,176226,False,
    // 0.123,0.261,8,-11.245,1,0.0288,0.718,0.0,0.14,0.136,82.062,3,jazz
    assert.deepEqual(await q(dir, `SELECT track_key, spotify_id, title, artist_name, album_name, genre, duration_ms, popularity, explicit, danceability, energy,
        key, loudness, mode, speechiness, acousticness, instrumentalness, liveness, valence, tempo, time_signature, source FROM tracks
        WHERE spotify_id = '4ChVFOiAIPwnKLgWGUcErS'`), [{
      track_key: 'spotify:track:4ChVFOiAIPwnKLgWGUcErS', spotify_id: '4ChVFOiAIPwnKLgWGUcErS', title: 'O Holy Night - Remastered 1999', artist_name: 'Nat King Cole',
      album_name: 'Classic Christmas Music 2022', genre: 'jazz', duration_ms: 176_226, popularity: 0, explicit: false, danceability: 0.123, energy: 0.261,
      key: 8, loudness: -11.245, mode: 1, speechiness: 0.0288, acousticness: 0.718, instrumentalness: 0, liveness: 0.14, valence: 0.136, tempo: 82.062,
      time_signature: 3, source: 'spotify-tracks',
    }]);
    // 0aDTaI6pxKLiy0vcmHebZR is listed under hardcore (data row 191) and ska (row 1134): the first wins.
    assert.equal(await one(dir, "SELECT genre FROM tracks WHERE spotify_id = '0aDTaI6pxKLiy0vcmHebZR'"), 'hardcore');
    // Data row 8: 66763,7d9E4qERgZgYVtyY4789HJ,Blake Rules;Netherfriends,Kids Poop,Flush the Toilet,...
    assert.equal(await one(dir, "SELECT artist_name FROM tracks WHERE spotify_id = '7d9E4qERgZgYVtyY4789HJ'"), 'Blake Rules; Netherfriends');
    // The one empty row (index 65900): no artist, album or title, still a catalogue entry by its id.
    assert.deepEqual(await q(dir, "SELECT title, artist_name, album_name, genre FROM tracks WHERE spotify_id = '1kR4gIb7nGxHPI3D2ifs59'"), [
      { title: null, artist_name: null, album_name: null, genre: 'k-pop' },
    ]);
    assert.deepEqual(await q(dir, `SELECT count(*) FILTER (WHERE artist_name LIKE '%; %') AS multi, count(*) FILTER (WHERE explicit) AS explicit,
        count(DISTINCT genre) AS genres, count(*) FILTER (WHERE time_signature = 4) AS four, count(*) FILTER (WHERE artist_name LIKE '%;%' AND artist_name NOT LIKE '%; %') AS unjoined FROM tracks`), [
      { multi: 2_514, explicit: 814, genres: 114, four: 8_764, unjoined: 0 },
    ]);
    const again = await runImport({ inputs: [file], dataDir: dir });
    await refresh(dir);
    // Every row, the 251 repeats too, is now already in the lake.
    assert.deepEqual([again.totals.accepted, again.totals.duplicatesInLake, again.totals.duplicatesInImport], [0, 9_749, 251]);
    assert.equal(await one(dir, 'SELECT count(*) FROM tracks'), 9_749);
  } finally {
    await cleanup();
  }
});

test('spotify-features: the SpotifyFeatures.csv head (letter keys, Major/Minor, 4/4), then again adds nothing', needsDatasets(), async () => {
  const { dir, cleanup } = await scratch();
  try {
    const file = ds('spotify_features_232k_head', 'SpotifyFeatures_head1397.csv');
    const s = await runImport({ inputs: [file], dataDir: dir });
    assert.equal(s.files[0]!.format, 'spotify-features');
    assert.deepEqual([s.totals.read, s.totals.accepted, s.totals.duplicatesInImport, s.totals.rejected], [1_397, 1_395, 2, 0]);
    // First row: Movie,Henri Salvador,C'est beau de faire un Show,0BRjO6ga9RKCKjfDqeFgWV,0,0.611,0.389,99373,0.91,0,C#,0.346,-1.828,Major,0.0525,166.969,4/4,0.814
    assert.deepEqual(await q(dir, `SELECT track_key, title, artist_name, genre, popularity, acousticness, danceability, duration_ms, energy, instrumentalness,
        key, liveness, loudness, mode, speechiness, tempo, time_signature, valence FROM tracks WHERE spotify_id = '0BRjO6ga9RKCKjfDqeFgWV'`), [{
      track_key: 'spotify:track:0BRjO6ga9RKCKjfDqeFgWV', title: "C'est beau de faire un Show", artist_name: 'Henri Salvador', genre: 'Movie', popularity: 0,
      acousticness: 0.611, danceability: 0.389, duration_ms: 99_373, energy: 0.91, instrumentalness: 0, key: 1, liveness: 0.346, loudness: -1.828, mode: 1,
      speechiness: 0.0525, tempo: 166.969, time_signature: 4, valence: 0.814,
    }]);
    // Two ids appear under R&B and again under Alternative: R&B comes first in the file and wins.
    assert.deepEqual(await q(dir, "SELECT genre, count(*) AS n FROM tracks WHERE spotify_id IN ('1BViPjTT585XAhkUUrkts0', '6iOvnACn4ChlAw4lWUU4dd') GROUP BY genre"), [{ genre: 'R&B', n: 2 }]);
    assert.deepEqual(await q(dir, `SELECT count(*) FILTER (WHERE key = 1) AS csharp, count(*) FILTER (WHERE mode = 1) AS major, count(*) FILTER (WHERE mode = 0) AS minor,
        count(*) FILTER (WHERE time_signature = 4) AS four, count(*) FILTER (WHERE time_signature = 1) AS one_beat, count(*) FILTER (WHERE genre = 'Alternative') AS alt FROM tracks`), [
      { csharp: 120, major: 1_015, minor: 380, four: 1_190, one_beat: 21, alt: 308 },
    ]);
    const again = await runImport({ inputs: [file], dataDir: dir });
    await refresh(dir);
    assert.deepEqual([again.totals.accepted, again.totals.duplicatesInLake, again.totals.duplicatesInImport], [0, 1_395, 2]);
  } finally {
    await cleanup();
  }
});

test('spotify catalogues: bad rows are rejected naming the column', async () => {
  const { dir, cleanup } = await scratch();
  try {
    const tracks = join(dir, 'tracks.csv');
    await writeFile(tracks, [
      ',track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre',
      '0,4ChVFOiAIPwnKLgWGUcErS,A;B ; C,Al,T,1,1000,True,0.1,0.2,8,-1,1,0.1,0.1,0,0.1,0.1,120,4,jazz',
      '1,short,A,Al,T,1,1000,True,0.1,0.2,8,-1,1,0.1,0.1,0,0.1,0.1,120,4,jazz',
      '2,2lD57M0GugEFIP6kKEA5GT,A,Al,T,1,1000,maybe,0.1,0.2,8,-1,1,0.1,0.1,0,0.1,0.1,120,4,jazz',
      '3,0aDTaI6pxKLiy0vcmHebZR,A,Al,T,1,1000,False,0.1,high,8,-1,1,0.1,0.1,0,0.1,0.1,120,4,jazz',
      '4,,A,Al,T,1,1000,False,0.1,0.2,8,-1,1,0.1,0.1,0,0.1,0.1,120,4,jazz',
    ].join('\r\n') + '\r\n');
    const features = join(dir, 'features.csv');
    await writeFile(features, [
      'genre,artist_name,track_name,track_id,popularity,acousticness,danceability,duration_ms,energy,instrumentalness,key,liveness,loudness,mode,speechiness,tempo,time_signature,valence',
      'Movie,X,Y,0BRjO6ga9RKCKjfDqeFgWV,0,0.6,0.3,99373,0.9,0,Bb,0.3,-1.8,Minor,0.05,166.9,3/4,0.8',
      'Movie,X,Y,0BjC1NfoEOOusryehmNudP,0,0.6,0.3,99373,0.9,0,H,0.3,-1.8,Major,0.05,166.9,4/4,0.8',
      'Movie,X,Y,0CoSDzoNIKCRs124s9uTVy,0,0.6,0.3,99373,0.9,0,C,0.3,-1.8,Dorian,0.05,166.9,4/4,0.8',
      'Movie,X,Y,0Gc6TVm52BwZD07Ki6tIvf,0,0.6,0.3,99373,0.9,0,C,0.3,-1.8,Major,0.05,166.9,04-Apr,0.8',
    ].join('\n') + '\n');
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [tracks, features], dataDir: data });
    assert.deepEqual(s.files.map((f) => [f.format, f.accepted, f.rejected]), [['spotify-tracks', 1, 4], ['spotify-features', 1, 3]]);
    assert.deepEqual(await q(data, 'SELECT file, loc, field, got FROM rejects ORDER BY file DESC, loc'), [
      { file: tracks, loc: 3, field: 'track_id', got: 'short' },
      { file: tracks, loc: 4, field: 'explicit', got: 'maybe' },
      { file: tracks, loc: 5, field: 'energy', got: 'high' },
      { file: tracks, loc: 6, field: 'track_id', got: null },
      { file: features, loc: 3, field: 'key', got: 'H' },
      { file: features, loc: 4, field: 'mode', got: 'Dorian' },
      { file: features, loc: 5, field: 'time_signature', got: '04-Apr' },
    ]);
    assert.deepEqual(await q(data, 'SELECT artist_name, key, mode, time_signature FROM tracks ORDER BY source'), [
      { artist_name: 'X', key: 10, mode: 0, time_signature: 3 },
      { artist_name: 'A; B; C', key: 8, mode: 1, time_signature: 4 },
    ]);
  } finally {
    await cleanup();
  }
});

test('spotify detection: by content whatever the file is called; by name only as a fallback', needsDatasets(), async () => {
  const head = async (p: string): Promise<string> => (await readFile(p, 'utf8')).slice(0, 65_536);
  const detect = async (p: string, name = 'renamed.dat'): Promise<string | undefined> =>
    detectFormat({ path: p, name, head: await head(p) })?.name;
  const ext2023 = ds('spotify_extended_history', 'Streaming_History_Audio_2023.json');
  assert.equal(await detect(ext2023), 'spotify-extended');
  assert.equal(await detect(ds('spotify_extended_history', 'Streaming_History_Audio_2024.csv')), 'spotify-extended');
  assert.equal(await detect(ds('listenbrainz_fixtures', 'importer', 'spotify_streaming_endsong_0.json')), 'spotify-extended');
  assert.equal(await detect(ds('spotify_account_history', 'StreamingHistory3.json')), 'spotify-account');
  assert.equal(await detect(ds('spotify_tracks_114k_sample', 'dataset_sample.csv')), 'spotify-tracks');
  assert.equal(await detect(ds('spotify_features_232k_head', 'SpotifyFeatures_head1397.csv')), 'spotify-features');
  // The generator's tracks.csv has an empty first header cell instead of 'Unnamed: 0'.
  assert.equal(detectFormat({ path: 'tracks.csv', name: 'tracks.csv', head: ',track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre\n' })?.name, 'spotify-tracks');
  // An empty export file is still claimed by its Spotify name (it imports nothing).
  assert.equal(detectFormat({ path: 'x', name: 'Streaming_History_Audio_2020.json', head: '[]' })?.name, 'spotify-extended');
  assert.equal(detectFormat({ path: 'x', name: 'StreamingHistory_music_0.json', head: '[]' })?.name, 'spotify-account');
  // Not Spotify: the seed CSV and the Spotify Web API payload.
  assert.notEqual(await detect(ds('spark_music_insights_seed', 'listening_logs.csv')), 'spotify-extended');
  assert.ok(!String(await detect(ds('listenbrainz_fixtures', 'importer', 'spotify_recently_played_submitted.json'))).startsWith('spotify-'));
});
