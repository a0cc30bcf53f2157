// The import pipeline end to end on the seed CSV pair: counts, catalogue names, idempotence,
// duplicates within an import, rejects with real line numbers, and files that cannot be read.
import { test } from 'node:test';
import { zipSync } from 'fflate';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { DATASETS, needsDatasets, one, q, tempDir } from './helpers/lake.js';

const seed = () => join(DATASETS, 'spark_music_insights_seed');

test('seed CSV pair: 1,000 listens and 100 tracks, names taken from the catalogue', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const s = await runImport({ inputs: [join(seed(), 'listening_logs.csv'), join(seed(), 'songs_metadata.csv')], dataDir: dir });
    assert.equal(s.totals.read, 1100);
    assert.equal(s.totals.accepted, 1100);
    assert.equal(s.totals.rejected, 0);
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 1000);
    assert.equal(await one(dir, 'SELECT count(*) FROM tracks'), 100);
    // First data row of listening_logs.csv: user_40,song_49,2025-03-21 01:09:00,150
    const r = await q(dir, `SELECT user_id, strftime(listened_at, '%Y-%m-%d %H:%M:%S') AS at, ms_played, track_key, track_name, artist_name, action, dt::VARCHAR AS dt
      FROM listens WHERE user_id = 'user_40' AND song_id = 'song_49' AND listened_at = TIMESTAMPTZ '2025-03-21 01:09:00+00'`);
    assert.equal(r.length, 1);
    assert.deepEqual(r[0], {
      user_id: 'user_40', at: '2025-03-21 01:09:00', ms_played: 150000, track_key: 'song:song_49',
      // songs_metadata.csv: song_49,Title_song_49,Artist_5,Jazz,Sad
      track_name: 'Title_song_49', artist_name: 'Artist_5',
      action: 'play', dt: '2025-03-21',
    });
    assert.equal(await one(dir, "SELECT artist_name FROM tracks WHERE song_id = 'song_7'"), 'Artist_18');
    assert.equal(await one(dir, "SELECT genre || '/' || mood FROM tracks WHERE song_id = 'song_7'"), 'Pop/Chill');
  } finally {
    await cleanup();
  }
});

test('importing the same files again adds nothing and says so', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await runImport({ inputs: [seed()], dataDir: dir });
    const again = await runImport({ inputs: [seed()], dataDir: dir });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicatesInLake, 1100);
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 1000);
    assert.equal(await one(dir, 'SELECT count(*) FROM tracks'), 100);
    // reference_outputs/*.csv are not importable: skipped quietly inside a folder, not errors.
    assert.ok(again.files.filter((f) => f.skipped).length >= 7);
    assert.ok(again.files.every((f) => !f.error));
  } finally {
    await cleanup();
  }
});

test('duplicates within one import are counted once per extra copy, first copy wins', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const h = 'user_id,song_id,timestamp,duration_sec\n';
    await writeFile(a, h + 'u1,s1,2025-03-20 10:00:00,30\nu1,s1,2025-03-20 10:00:00,31\nu2,s1,2025-03-20 10:00:00,30\n');
    await writeFile(b, h + 'u1,s1,2025-03-20 10:00:00,99\nu3,s3,2025-03-20 11:00:00,30\n');
    const s = await runImport({ inputs: [a, b], dataDir: join(dir, 'data') });
    assert.equal(s.totals.read, 5);
    assert.equal(s.totals.accepted, 3);
    assert.equal(s.totals.duplicatesInImport, 2);
    const fa = s.files.find((f) => f.file === a)!;
    const fb = s.files.find((f) => f.file === b)!;
    assert.equal(fa.duplicates, 1);
    assert.equal(fb.duplicates, 1);
    assert.equal(await one(join(dir, 'data'), "SELECT ms_played FROM listens WHERE user_id = 'u1'"), 30000);
    // Each stored row names the file it came from (two files in one import: origin is per row).
    assert.deepEqual(await q(join(dir, 'data'), 'SELECT user_id, origin, source FROM listens ORDER BY user_id'), [
      { user_id: 'u1', origin: a, source: 'seed-listens' },
      { user_id: 'u2', origin: a, source: 'seed-listens' },
      { user_id: 'u3', origin: b, source: 'seed-listens' },
    ]);
  } finally {
    await cleanup();
  }
});

test('bad rows are rejected with file, real line, field and reason; good rows still land', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'listening_logs.csv');
    await writeFile(
      f,
      [
        'user_id,song_id,timestamp,duration_sec',
        'u1,s1,2025-03-20 00:01:00,30', // 2 ok
        'u1,s1,2025-13-20 00:01:00,30', // 3 impossible date
        'u2,s2,2025-03-20 00:02:00,30,extra', // 4 too many columns
        ',s2,2025-03-20 00:01:00,30', // 5 missing user
        'u2,s2,2025-03-20 00:01:00,abc', // 6 not a number
        'u4,s4,2025-03-20 00:01:00,-4', // 7 negative
        'u5,s5,2025-03-20 00:05:00,10', // 8 ok
      ].join('\n') + '\n',
    );
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [f], dataDir: data });
    assert.equal(s.totals.read, 7);
    assert.equal(s.totals.accepted, 2);
    assert.equal(s.totals.rejected, 5);
    assert.ok(s.rejectsFile);
    const rejects = (await readFile(s.rejectsFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      rejects.map((r) => [r['loc'], r['field']]),
      [[3, 'timestamp'], [4, '(line)'], [5, 'user_id'], [6, 'duration_sec'], [7, 'ms_played']],
    );
    assert.ok(rejects.every((r) => r['file'] === f && typeof r['reason'] === 'string' && (r['reason'] as string).startsWith('expected')));
    assert.equal(rejects[0]!['got'], '2025-13-20 00:01:00');
    assert.equal(await one(data, 'SELECT count(*) FROM rejects'), 5);
    assert.equal(await one(data, 'SELECT count(*) FROM listens'), 2);
  } finally {
    await cleanup();
  }
});

test('a forced --format the file is not in names what is missing, not the SQL that failed', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const account = join(dir, 'StreamingHistory0.json');
    await writeFile(account, JSON.stringify([{ endTime: '2024-01-01 10:00', artistName: 'A', trackName: 'T', msPlayed: 1000 }]));
    const data = join(dir, 'data');
    const songs = await runImport({ inputs: [account], dataDir: data, format: 'seed-songs' });
    assert.equal(songs.files[0]!.error, 'could not be read: it has no column "song_id", which seed-songs needs (forced with --format: leave --format out to detect the format, or pick the one the file is in; `earshot formats` lists them)');
    const lastfm = await runImport({ inputs: [account], dataDir: data, format: 'lastfm-scrobbles' });
    assert.match(lastfm.files[0]!.error!, /^could not be read: not a Last\.fm scrobbles CSV: expected the header uts,utc_time,artist/);
    // Detected, the same file imports.
    assert.equal((await runImport({ inputs: [account], dataDir: data })).totals.accepted, 1);
  } finally {
    await cleanup();
  }
});

test('missing, empty and unrecognised files are reported; the other files still import', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const good = join(dir, 'listening_logs.csv');
    await writeFile(good, 'user_id,song_id,timestamp,duration_sec\nu1,s1,2025-03-20 00:01:00,30\n');
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, '');
    const other = join(dir, 'notes.txt');
    await writeFile(other, 'hello, this is not listening data\n');
    const binary = join(dir, 'garbage.bin');
    await writeFile(binary, Buffer.from([0, 1, 2, 255, 254, 10, 0, 7]));
    const emptyZip = join(dir, 'empty.zip');
    await writeFile(emptyZip, zipSync({}));
    const brokenZip = join(dir, 'broken.zip');
    await writeFile(brokenZip, zipSync({ 'StreamingHistory0.json': new TextEncoder().encode('[]') }).subarray(0, 30));
    const s = await runImport({ inputs: [good, empty, other, binary, join(dir, 'nope.csv'), emptyZip, brokenZip], dataDir: join(dir, 'data') });
    assert.equal(s.totals.accepted, 1);
    const by = Object.fromEntries(s.files.map((f) => [f.file.split('/').pop(), f]));
    assert.match(by['empty.csv']!.skipped!, /empty/);
    assert.match(by['notes.txt']!.error!, /--format/);
    assert.match(by['garbage.bin']!.error!, /recognise/);
    assert.match(by['nope.csv']!.error!, /no such file/);
    assert.equal(by['empty.zip']!.error, 'the zip archive holds no files');
    assert.match(by['broken.zip']!.error!, /not a readable zip archive/);
  } finally {
    await cleanup();
  }
});
