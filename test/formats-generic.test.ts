// generic-csv / generic-ndjson / generic-parquet (columns named with a mapping) and canonical-parquet /
// canonical-csv / canonical-ndjson (columns already named as earshot's own). Hand-made files and
// Parquet written by DuckDB in the test; expected values are read off the lines written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { detectFormat } from '../src/formats/registry.js';
import { parquetColumns } from '../src/formats/canonical-parquet-schema.js';
import { readHead } from '../src/import/inputs.js';
import { lit, openDb } from '../src/util/db.js';
import { one, q, tempDir } from './helpers/lake.js';

/** Runs DuckDB SQL (e.g. COPY ... TO 'x.parquet') in a throwaway in-memory database. */
async function duck(sql: string): Promise<void> {
  const db = await openDb();
  try {
    await db.conn.run(sql);
  } finally {
    db.close();
  }
}

async function rejectsOf(file: string | null): Promise<{ loc: number; field: string; reason: string; got: unknown }[]> {
  assert.ok(file, 'a rejects file');
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((r) => ({ loc: Number(r['loc']), field: String(r['field']), reason: String(r['reason']), got: r['got'] }));
}

async function detected(path: string): Promise<string | undefined> {
  return detectFormat({ path, name: path.split('/').pop()!, head: await readHead(path) })?.name;
}

const ODD_CSV = [
  /* 1 */ '"Listener ID";"When (UTC)";"Song Title";"Performer";"Played ms";"Device Type"',
  /* 2 */ 'alice;2025-03-20T14:05:00Z;Clocks;Coldplay;215000;phone',
  /* 3 */ 'bob;1742480000;"Yellow; Remastered";Coldplay;1000;web',
  /* 4 */ 'alice;1742480100000;Clocks;Coldplay;;phone',
  /* 5 */ 'carol;2025-13-01T00:00:00Z;Fix You;Coldplay;10;web',
  /* 6 */ 'dave;2025-03-20T15:00:00Z;Fix You;Coldplay;lots;web',
  /* 7 */ ';2025-03-20T15:00:00Z;Fix You;Coldplay;1;web',
];
const ODD_MAP = {
  user_id: 'Listener ID',
  listened_at: 'When (UTC)',
  track_name: 'Song Title',
  artist_name: 'Performer',
  ms_played: 'played ms', // matched ignoring case
  platform: 'Device Type',
};

test('generic-csv: odd column names mapped, ; delimiter, ISO and Unix s/ms times; bad rows rejected naming the source column; re-import adds 0', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'my export.csv');
    await writeFile(f, ODD_CSV.join('\n') + '\n');
    assert.equal(await detected(f), undefined); // generic formats are never detected
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [f], dataDir: data, format: 'generic-csv', mapping: ODD_MAP });
    assert.equal(s.files[0]!.format, 'generic-csv');
    assert.equal(s.totals.read, 6);
    assert.equal(s.totals.accepted, 3);
    assert.equal(s.totals.rejected, 3);
    assert.deepEqual(
      (await rejectsOf(s.rejectsFile)).map((r) => [r.loc, r.field, r.got]),
      [[5, 'When (UTC)', '2025-13-01T00:00:00Z'], [6, 'Played ms', 'lots'], [7, 'user_id', null]],
    );
    assert.deepEqual(
      await q(data, `SELECT user_id, strftime(listened_at, '%Y-%m-%d %H:%M:%S') AS at, track_key, track_name, artist_name, ms_played, platform, action, source FROM listens ORDER BY listened_at`),
      [
        { user_id: 'alice', at: '2025-03-20 14:05:00', track_key: 'name:coldplay — clocks', track_name: 'Clocks', artist_name: 'Coldplay', ms_played: 215000, platform: 'phone', action: 'play', source: 'generic-csv' },
        { user_id: 'bob', at: '2025-03-20 14:13:20', track_key: 'name:coldplay — yellow; remastered', track_name: 'Yellow; Remastered', artist_name: 'Coldplay', ms_played: 1000, platform: 'web', action: 'play', source: 'generic-csv' },
        { user_id: 'alice', at: '2025-03-20 14:15:00', track_key: 'name:coldplay — clocks', track_name: 'Clocks', artist_name: 'Coldplay', ms_played: null, platform: 'phone', action: 'play', source: 'generic-csv' },
      ],
    );
    const again = await runImport({ inputs: [f], dataDir: data, format: 'generic-csv', mapping: ODD_MAP });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicates, 3);
    assert.equal(await one(data, 'SELECT count(*) FROM listens'), 3);
  } finally {
    await cleanup();
  }
});

test('generic formats: a missing or wrong mapping is a clear file error; --user stands in for user_id', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'plays.csv');
    await writeFile(f, 'played,title,artist\n2025-03-20T14:05:00Z,Clocks,Coldplay\n2025-03-20T14:10:00Z,Fix You,Coldplay\n');
    const data = join(dir, 'data');
    const noUser = await runImport({ inputs: [f], dataDir: data, format: 'generic-csv', mapping: { listened_at: 'played', track_name: 'title' } });
    assert.match(noUser.files[0]!.error ?? '', /--map user_id=COLUMN or --user/);
    const noMap = await runImport({ inputs: [f], dataDir: data, format: 'generic-csv' });
    assert.match(noMap.files[0]!.error ?? '', /needs a column mapping: --map /);
    const badCol = await runImport({ inputs: [f], dataDir: data, format: 'generic-csv', mapping: { listened_at: 'when', track_name: 'title' }, user: 'me' });
    assert.match(badCol.files[0]!.error ?? '', /no column "when" \(columns: played, title, artist\)/);
    const badCanon = await runImport({ inputs: [f], dataDir: data, format: 'generic-csv', mapping: { listened_at: 'played', song: 'title' }, user: 'me' });
    assert.match(badCanon.files[0]!.error ?? '', /"song" is not a listens column/);
    assert.equal(await one(data, 'SELECT count(*) FROM listens'), 0);
    const ok = await runImport({ inputs: [f], dataDir: data, format: 'generic-csv', mapping: { listened_at: 'played', track_name: 'title', artist_name: 'artist' }, user: 'me' });
    assert.equal(ok.totals.accepted, 2);
    assert.deepEqual(await q(data, 'SELECT DISTINCT user_id FROM listens'), [{ user_id: 'me' }]);
  } finally {
    await cleanup();
  }
});

test('generic-ndjson: keys and $ paths mapped, JSON type checks, bad lines rejected with line numbers', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'scrobbles.jsonl');
    await writeFile(
      f,
      [
        /* 1 */ JSON.stringify({ who: 7, at: 1742480000, track: { title: 'Clocks', by: 'Coldplay' }, outcome: 'Skip' }),
        /* 2 */ JSON.stringify({ who: 'u8', at: '2025-03-20T15:00:00Z', track: { title: 'Fix You', by: 'Coldplay' }, outcome: 'complete' }),
        /* 3 */ JSON.stringify({ who: { id: 1 }, at: '2025-03-20T15:00:00Z', track: { title: 'Fix You' } }),
        /* 4 */ '{"who": "u9", "at": "2025-03-20T16:00:00Z", "track": {"title": "Yell',
        /* 5 */ JSON.stringify({ who: 'u9', at: '2025-03-20T16:00:00Z', track: { title: 'Yellow' }, outcome: 'rewind' }),
      ].join('\n') + '\n',
    );
    const data = join(dir, 'data');
    const mapping = { user_id: 'who', listened_at: 'at', track_name: '$.track.title', artist_name: '$.track.by', action: 'outcome' };
    const s = await runImport({ inputs: [f], dataDir: data, format: 'generic-ndjson', mapping });
    assert.equal(s.totals.accepted, 2);
    assert.deepEqual(
      (await rejectsOf(s.rejectsFile)).map((r) => [r.loc, r.field]),
      [[3, 'user_id'], [4, '(record)'], [5, 'outcome']],
    );
    assert.deepEqual(await q(data, `SELECT user_id, epoch(listened_at) AS t, track_name, artist_name, action, skipped FROM listens ORDER BY listened_at`), [
      { user_id: '7', t: 1742480000, track_name: 'Clocks', artist_name: 'Coldplay', action: 'skip', skipped: true },
      { user_id: 'u8', t: Date.UTC(2025, 2, 20, 15) / 1000, track_name: 'Fix You', artist_name: 'Coldplay', action: 'complete', skipped: false },
    ]);
  } finally {
    await cleanup();
  }
});

test('generic-parquet: a Parquet file written by DuckDB, native types, mapped columns; re-import adds 0', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'history.parquet');
    await duck(`COPY (
      SELECT * FROM (VALUES
        (101::BIGINT, TIMESTAMP '2025-03-20 14:05:00', 'Clocks', 'Coldplay', 'spotify:track:0BCPKOYdS2jbQ8iyB56Zns', 215.5::DOUBLE, true),
        (102::BIGINT, TIMESTAMP '2025-03-20 14:10:00', 'Fix You', 'Coldplay', NULL, 30.0::DOUBLE, false),
        (101::BIGINT, NULL::TIMESTAMP, 'Yellow', 'Coldplay', NULL, 10.0::DOUBLE, NULL)
      ) AS t(uid, played, title, artist, uri, secs, shuffled)
    ) TO ${lit(f)} (FORMAT parquet)`);
    assert.deepEqual(parquetColumns(f), ['uid', 'played', 'title', 'artist', 'uri', 'secs', 'shuffled']);
    assert.equal(await detected(f), undefined); // not canonical, and generic is never detected
    const data = join(dir, 'data');
    const mapping = { user_id: 'uid', listened_at: 'played', track_name: 'title', artist_name: 'artist', spotify_track_uri: 'uri', shuffle: 'shuffled' };
    const s = await runImport({ inputs: [f], dataDir: data, format: 'generic-parquet', mapping });
    assert.equal(s.totals.read, 3);
    assert.equal(s.totals.accepted, 2);
    assert.deepEqual((await rejectsOf(s.rejectsFile)).map((r) => [r.loc, r.field]), [[3, 'played']]);
    assert.deepEqual(await q(data, `SELECT user_id, strftime(listened_at, '%Y-%m-%d %H:%M:%S') AS at, track_key, shuffle FROM listens ORDER BY listened_at`), [
      { user_id: '101', at: '2025-03-20 14:05:00', track_key: 'spotify:track:0BCPKOYdS2jbQ8iyB56Zns', shuffle: true },
      { user_id: '102', at: '2025-03-20 14:10:00', track_key: 'name:coldplay — fix you', shuffle: false },
    ]);
    const again = await runImport({ inputs: [f], dataDir: data, format: 'generic-parquet', mapping });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicates, 2);
  } finally {
    await cleanup();
  }
});

test('canonical-parquet: tracks then listens detected by their footer columns; names filled from the catalogue; re-import adds 0', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const tracks = join(dir, 'catalogue.parquet');
    const listens = join(dir, 'plays.parquet');
    await duck(`COPY (
      SELECT * FROM (VALUES
        ('Clocks', '0BCPKOYdS2jbQ8iyB56Zns', 'Coldplay', 'A Rush of Blood to the Head', 307879::BIGINT, 0.577::DOUBLE),
        ('Yellow', '3AJwUDP919kvQ9QcozQPxg', 'Coldplay', 'Parachutes', 266773::BIGINT, 0.429::DOUBLE)
      ) AS t(title, spotify_id, artist_name, album_name, duration_ms, danceability)
    ) TO ${lit(tracks)} (FORMAT parquet)`);
    await duck(`COPY (
      SELECT * FROM (VALUES
        ('u1', TIMESTAMPTZ '2025-03-20 14:05:00.123+00', 'spotify:track:0BCPKOYdS2jbQ8iyB56Zns', 307879::BIGINT, 'COMPLETE', 'DE'),
        ('u1', TIMESTAMPTZ '2025-03-20 14:10:22+00', 'spotify:track:3AJwUDP919kvQ9QcozQPxg', 5000::BIGINT, 'skip', 'DE'),
        ('u2', TIMESTAMPTZ '2025-03-21 09:00:00+00', 'spotify:track:3AJwUDP919kvQ9QcozQPxg', NULL, NULL, NULL),
        ('u2', TIMESTAMPTZ '2025-03-21 10:00:00+00', 'spotify:track:3AJwUDP919kvQ9QcozQPxg', -5::BIGINT, 'play', NULL),
        ('u2', TIMESTAMPTZ '2025-03-21 11:00:00+00', 'spotify:track:3AJwUDP919kvQ9QcozQPxg', 1::BIGINT, 'rewind', NULL)
      ) AS t(user_id, listened_at, spotify_track_uri, ms_played, action, country)
    ) TO ${lit(listens)} (FORMAT parquet)`);
    assert.equal(await detected(tracks), 'canonical-parquet');
    assert.equal(await detected(listens), 'canonical-parquet');
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [tracks, listens], dataDir: data });
    assert.deepEqual(s.written, { tracks: 2, listens: 3 });
    assert.deepEqual((await rejectsOf(s.rejectsFile)).map((r) => [r.loc, r.field]), [[4, 'ms_played'], [5, 'action']]);
    assert.deepEqual(await q(data, 'SELECT track_key, title, duration_ms, danceability, source FROM tracks ORDER BY title'), [
      { track_key: 'spotify:track:0BCPKOYdS2jbQ8iyB56Zns', title: 'Clocks', duration_ms: 307879, danceability: 0.577, source: 'canonical-parquet' },
      { track_key: 'spotify:track:3AJwUDP919kvQ9QcozQPxg', title: 'Yellow', duration_ms: 266773, danceability: 0.429, source: 'canonical-parquet' },
    ]);
    assert.deepEqual(
      await q(data, `SELECT user_id, epoch_ms(listened_at) AS ms, track_name, album_name, ms_played, action, skipped, country FROM listens ORDER BY listened_at`),
      [
        { user_id: 'u1', ms: Date.UTC(2025, 2, 20, 14, 5, 0, 123), track_name: 'Clocks', album_name: 'A Rush of Blood to the Head', ms_played: 307879, action: 'complete', skipped: false, country: 'DE' },
        { user_id: 'u1', ms: Date.UTC(2025, 2, 20, 14, 10, 22), track_name: 'Yellow', album_name: 'Parachutes', ms_played: 5000, action: 'skip', skipped: true, country: 'DE' },
        { user_id: 'u2', ms: Date.UTC(2025, 2, 21, 9), track_name: 'Yellow', album_name: 'Parachutes', ms_played: null, action: 'play', skipped: false, country: null },
      ],
    );
    const again = await runImport({ inputs: [tracks, listens], dataDir: data });
    assert.equal(again.totals.accepted, 0);
    assert.deepEqual(again.written, { tracks: 0, listens: 0 });
  } finally {
    await cleanup();
  }
});

test('canonical round trip: listens exported from one lake to Parquet import into another as the same rows', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const events = join(dir, 'events.ndjson');
    await writeFile(
      events,
      [
        { event_id: 'e1', event_ts: '2025-03-20T14:05:00Z', user_id: 'u1', song_id: 's1', artist_id: 'a1', action: 'complete', device: 'android', location: 'Berlin, DE', song_duration: 215, session_id: 'x1' },
        { event_id: 'e2', event_ts: '2025-03-20T14:08:35.250Z', user_id: 'u1', song_id: 's2', artist_id: 'a2', action: 'skip', device: 'web', location: 'Lyon, FR', song_duration: 180, session_id: 'x1' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
    );
    const first = join(dir, 'first');
    await runImport({ inputs: [events], dataDir: first });
    const out = join(dir, 'export.parquet');
    const db = await openDb();
    try {
      await db.conn.run(`COPY (SELECT * EXCLUDE (dt) FROM read_parquet(${lit(join(first, 'lake', 'listens', '*', '*.parquet'))})) TO ${lit(out)} (FORMAT parquet)`);
    } finally {
      db.close();
    }
    assert.equal(await detected(out), 'canonical-parquet');
    const second = join(dir, 'second');
    const s = await runImport({ inputs: [out], dataDir: second });
    assert.equal(s.totals.accepted, 2);
    const cols = 'listen_id, user_id, listened_at, track_key, ms_played, action, skipped, platform, city, country, session_id, song_id, artist_id';
    const a = await q(first, `SELECT ${cols} FROM listens ORDER BY listen_id`);
    const b = await q(second, `SELECT ${cols} FROM listens ORDER BY listen_id`);
    assert.equal(a.length, 2);
    assert.deepEqual(b, a);
    assert.equal(await one(second, 'SELECT DISTINCT source FROM listens'), 'canonical-parquet');
  } finally {
    await cleanup();
  }
});

test('canonical-csv and canonical-ndjson: listens and tracks told apart by their columns', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const tcsv = join(dir, 'tracks.csv');
    await writeFile(tcsv, 'song_id,title,artist_name,genre,duration_ms\nsong_1,Title One,Artist 1,Jazz,180000\nsong_2,Title Two,Artist 2,Pop,abc\n');
    const lcsv = join(dir, 'listens.csv');
    await writeFile(lcsv, 'user_id,listened_at,song_id,ms_played,shuffle\nu1,2025-03-20 10:00:00,song_1,1000,true\nu1,2025-03-20 11:00:00,song_2,,maybe\n');
    const lnd = join(dir, 'listens.ndjson');
    await writeFile(
      lnd,
      [
        JSON.stringify({ user_id: 'u2', listened_at: '2025-03-20T12:00:00Z', song_id: 'song_1', action: 'pause', city: 'Oslo' }),
        JSON.stringify({ user_id: 'u2', listened_at: 1742472000123, track_name: 'Loose', artist_name: 'Nobody' }),
      ].join('\n') + '\n',
    );
    assert.equal(await detected(tcsv), 'canonical-csv');
    assert.equal(await detected(lcsv), 'canonical-csv');
    assert.equal(await detected(lnd), 'canonical-ndjson');
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [tcsv, lcsv, lnd], dataDir: data });
    assert.deepEqual(s.written, { tracks: 1, listens: 3 });
    assert.deepEqual(
      (await rejectsOf(s.rejectsFile)).map((r) => [r.loc, r.field, r.got]),
      [[3, 'shuffle', 'maybe'], [3, 'duration_ms', 'abc']],
    );
    assert.deepEqual(await q(data, `SELECT user_id, epoch_ms(listened_at) AS ms, track_key, track_name, ms_played, action, shuffle, city FROM listens ORDER BY listened_at`), [
      { user_id: 'u1', ms: Date.UTC(2025, 2, 20, 10), track_key: 'song:song_1', track_name: 'Title One', ms_played: 1000, action: 'play', shuffle: true, city: null },
      { user_id: 'u2', ms: Date.UTC(2025, 2, 20, 12), track_key: 'song:song_1', track_name: 'Title One', ms_played: null, action: 'pause', shuffle: null, city: 'Oslo' },
      { user_id: 'u2', ms: 1742472000123, track_key: 'name:nobody — loose', track_name: 'Loose', ms_played: null, action: 'play', shuffle: null, city: null },
    ]);
  } finally {
    await cleanup();
  }
});

test('parquet footer: top-level column names of nested schemas and many row groups', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const a = join(dir, 'a.parquet');
    await duck(`COPY (SELECT 'u' AS user_id, {'x': 1, 'y': [1, 2]} AS nested, [1, 2] AS lst, MAP {'k': 1} AS m, 1.5::DECIMAL(10, 2) AS dec,
      uuid() AS "Weird Name é", DATE '2020-01-01' AS d FROM range(5)) TO ${lit(a)} (FORMAT parquet)`);
    assert.deepEqual(parquetColumns(a), ['user_id', 'nested', 'lst', 'm', 'dec', 'Weird Name é', 'd']);
    const b = join(dir, 'b.parquet');
    await duck(`COPY (SELECT range AS id, 'x' || range AS name FROM range(20000)) TO ${lit(b)} (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
    assert.deepEqual(parquetColumns(b), ['id', 'name']);
    const c = join(dir, 'c.parquet');
    await writeFile(c, 'PAR1 this is not really parquet');
    assert.throws(() => parquetColumns(c));
    assert.equal(await detected(c), undefined);
  } finally {
    await cleanup();
  }
});
