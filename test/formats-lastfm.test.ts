// Last.fm scrobble CSVs (the uts,utc_time,... layout and the headerless artist,album,track,date
// layout) and Libre.fm's CSV export. The Last.fm files are written here by hand in the exporters' shapes;
// the Libre.fm ones are ListenBrainz's importer fixtures. Unix times were converted with Python's
// datetime.fromtimestamp(t, timezone.utc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { detectFormat } from '../src/formats/registry.js';
import { DATASETS, needsDatasets, one, q, tempDir } from './helpers/lake.js';

type Reject = { file: string; loc: number; field: string; reason: string; got: string | null };
async function rejectsOf(path: string | null): Promise<Reject[]> {
  if (!path) return [];
  return (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Reject);
}

const RADIOHEAD = 'a74b1b7f-71a5-4011-9441-d0b5e4122711';
const OK_COMPUTER = 'b1392450-e666-3926-a536-22c65f834433';

// 1612101900 = 2021-01-31 14:05:00 UTC, 1612102200 = 14:10, 1612102500 = 14:15, 1612102800 = 14:20
const UTS_CSV = [
  'uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid',
  `1612101900,"31 Jan 2021, 14:05",Radiohead,${RADIOHEAD},OK Computer,${OK_COMPUTER},Airbag,`,
  `1612102200,"31 Jan 2021, 14:10",Radiohead,${RADIOHEAD},OK Computer,${OK_COMPUTER},Paranoid Android,`,
  '1612102500,"31 Jan 2021, 14:15","Crosby, Stills, Nash & Young",,Déjà Vu,,Carry On,',
  '1612102800,"31 Jan 2021, 14:20",Sigur Rós,,( ),,Untitled #1,',
].join('\n') + '\n';

const PLAIN_CSV = [
  '"Radiohead","OK Computer","Karma Police","31 Jan 2021 14:25"',
  '"Radiohead","OK Computer","Fitter Happier","31 Jan 2021 14:30"',
  '"Björk","Homogenic","Jóga","1 Feb 2021 09:00"',
  '"Portishead","Dummy","Roads","2021-02-01T09:05:00Z"',
].join('\n') + '\n';

test('lastfm-scrobbles, uts layout: exact rows, user "me" or --user, re-import adds 0', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'scrobbles-rj.csv');
    await writeFile(f, UTS_CSV);
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [f], dataDir: data });
    assert.equal(s.files[0]!.format, 'lastfm-scrobbles');
    assert.equal(s.totals.accepted, 4);
    assert.equal(s.totals.rejected, 0);
    const rows = await q(data, `SELECT user_id, strftime(listened_at, '%Y-%m-%d %H:%M:%S') AS at, artist_name, album_name, track_name,
        artist_mbid, release_mbid, recording_mbid, track_key, action FROM listens ORDER BY listened_at`);
    assert.deepEqual(rows[0], {
      user_id: 'me', at: '2021-01-31 14:05:00', artist_name: 'Radiohead', album_name: 'OK Computer', track_name: 'Airbag',
      artist_mbid: RADIOHEAD, release_mbid: OK_COMPUTER, recording_mbid: null, track_key: 'name:radiohead — airbag', action: 'play',
    });
    assert.equal(rows[2]!['artist_name'], 'Crosby, Stills, Nash & Young');
    assert.equal(rows[2]!['album_name'], 'Déjà Vu');
    assert.equal(rows[3]!['track_key'], 'name:sigur rós — untitled #1');

    const again = await runImport({ inputs: [f], dataDir: data });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicatesInLake, 4);
    // The same file for another user is other listens.
    const other = await runImport({ inputs: [f], dataDir: data, user: 'rob' });
    assert.equal(other.totals.accepted, 4);
    assert.deepEqual(await q(data, 'SELECT user_id, count(*) AS n FROM listens GROUP BY 1 ORDER BY 1'), [
      { user_id: 'me', n: 4 },
      { user_id: 'rob', n: 4 },
    ]);
  } finally {
    await cleanup();
  }
});

test('lastfm-scrobbles, headerless artist,album,track,date: the date is UTC; ISO works too', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'lastfm-to-csv.csv');
    await writeFile(f, PLAIN_CSV);
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [f], dataDir: data, user: 'rj' });
    assert.equal(s.files[0]!.format, 'lastfm-scrobbles');
    assert.equal(s.totals.accepted, 4);
    assert.deepEqual(await q(data, "SELECT user_id, strftime(listened_at, '%Y-%m-%d %H:%M') AS at, artist_name, album_name, track_name FROM listens ORDER BY listened_at"), [
      { user_id: 'rj', at: '2021-01-31 14:25', artist_name: 'Radiohead', album_name: 'OK Computer', track_name: 'Karma Police' },
      { user_id: 'rj', at: '2021-01-31 14:30', artist_name: 'Radiohead', album_name: 'OK Computer', track_name: 'Fitter Happier' },
      { user_id: 'rj', at: '2021-02-01 09:00', artist_name: 'Björk', album_name: 'Homogenic', track_name: 'Jóga' },
      { user_id: 'rj', at: '2021-02-01 09:05', artist_name: 'Portishead', album_name: 'Dummy', track_name: 'Roads' },
    ]);
    // With a header line artist,album,track,date the same rows are read.
    const h = join(dir, 'with-header.csv');
    await writeFile(h, 'artist,album,track,date\n' + PLAIN_CSV);
    const s2 = await runImport({ inputs: [h], dataDir: data, user: 'rj' });
    assert.equal(s2.files[0]!.format, 'lastfm-scrobbles');
    assert.equal(s2.totals.duplicatesInLake, 4);
  } finally {
    await cleanup();
  }
});

test('lastfm-scrobbles: bad rows are rejected with the field and line; the rest land', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const a = join(dir, 'uts.csv');
    await writeFile(
      a,
      [
        'uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid',
        '1612101900,"31 Jan 2021, 14:05",Radiohead,,OK Computer,,Airbag,', // 2 ok
        'yesterday,"31 Jan 2021, 14:10",Radiohead,,OK Computer,,Paranoid Android,', // 3 non-numeric uts
        '1612102500,"31 Jan 2021, 14:15",,,OK Computer,,Subterranean Homesick Alien,', // 4 missing artist
        '1612102800,"31 Jan 2021, 14:20",Radiohead', // 5 truncated line
        '1612103100000,"31 Jan 2021, 14:25",Radiohead,,OK Computer,,Karma Police,', // 6 milliseconds
        '1612103400,"31 Jan 2021, 14:30",Radiohead,not-an-mbid,OK Computer,,Fitter Happier,also-not', // 7 ok, ids dropped
        ',"31 Jan 2021, 14:35",Radiohead,,OK Computer,,Electioneering,', // 8 no uts
      ].join('\n') + '\n',
    );
    const b = join(dir, 'plain.csv');
    await writeFile(
      b,
      [
        '"Radiohead","OK Computer","Karma Police","31 Jan 2021 14:40"', // 1 ok
        '"Radiohead","OK Computer","Lucky","31 Feb 2021 14:05"', // 2 impossible date
        '"","OK Computer","Lucky","31 Jan 2021 14:10"', // 3 missing artist
        '"Radiohead","OK Computer"', // 4 truncated line
        '"Radiohead","OK Computer","Lucky","last tuesday"', // 5 not a date
        '"Radiohead","OK Computer","Let Down","31 Jan 2021 25:10"', // 6 impossible hour
      ].join('\n') + '\n',
    );
    const s = await runImport({ inputs: [a, b], dataDir: join(dir, 'data') });
    assert.deepEqual(s.files.map((f) => [f.format, f.accepted, f.rejected]), [
      ['lastfm-scrobbles', 2, 5],
      ['lastfm-scrobbles', 1, 5],
    ]);
    const rej = await rejectsOf(s.rejectsFile);
    assert.deepEqual(
      rej.filter((r) => r.file === a).map((r) => [r.loc, r.field, r.got]),
      [[3, 'uts', 'yesterday'], [4, 'artist', null], [5, 'track', null], [6, 'uts', '1612103100000'], [8, 'uts', null]],
    );
    assert.match(rej.find((r) => r.file === a && r.loc === 6)!.reason, /milliseconds or nanoseconds/);
    assert.deepEqual(
      rej.filter((r) => r.file === b).map((r) => [r.loc, r.field, r.got]),
      [[2, 'date', '31 Feb 2021 14:05'], [3, 'artist', null], [4, 'date', null], [5, 'date', 'last tuesday'], [6, 'date', '31 Jan 2021 25:10']],
    );
    assert.match(rej.find((r) => r.file === b && r.loc === 2)!.reason, /31 Jan 2021 14:05 \(UTC\)/);
    const [fh] = await q(join(dir, 'data'), "SELECT artist_mbid, recording_mbid FROM listens WHERE track_name = 'Fitter Happier'");
    assert.deepEqual(fh, { artist_mbid: null, recording_mbid: null });
  } finally {
    await cleanup();
  }
});

test('librefm-scrobbles: the Libre.fm fixtures, comment lines skipped, userid used, no-header file not taken', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const imp = join(DATASETS, 'listenbrainz_fixtures', 'importer');
    const names = ['librefm.csv', 'librefm_no_album_column.csv', 'librefm_no_header.csv', 'librefm_via_maloja.csv', 'librefm_with_comments.csv'];
    const data = join(dir, 'data');
    const s = await runImport({ inputs: names.map((n) => join(imp, n)), dataDir: data });
    const by = Object.fromEntries(s.files.map((f) => [f.file.split('/').pop(), f]));
    assert.deepEqual([by['librefm.csv']!.format, by['librefm.csv']!.accepted, by['librefm.csv']!.rejected], ['librefm-scrobbles', 3, 0]);
    assert.deepEqual([by['librefm_no_album_column.csv']!.format, by['librefm_no_album_column.csv']!.accepted], ['librefm-scrobbles', 2]);
    // The Horrors and Sweet Garden rows repeat librefm.csv (same user 'me', same times): duplicates.
    assert.deepEqual([by['librefm_via_maloja.csv']!.accepted, by['librefm_via_maloja.csv']!.duplicates], [1, 2]);
    // userid 1 names another user, so these are not duplicates.
    assert.deepEqual([by['librefm_with_comments.csv']!.accepted, by['librefm_with_comments.csv']!.duplicates], [3, 0]);
    // Named on the command line and not recognised: an error that suggests --format.
    assert.match(by['librefm_no_header.csv']!.error!, /--format/);
    assert.equal(await one(data, 'SELECT count(*) FROM listens'), 9);
    // librefm.csv row 3: Oasis,Wonderwall,(What's the Story) Morning Glory?,1704067200 = 2024-01-01 00:00:00 UTC.
    assert.deepEqual(
      (await q(data, "SELECT user_id, strftime(listened_at, '%Y-%m-%d %H:%M:%S') AS at, album_name FROM listens WHERE track_name = 'Wonderwall'"))[0],
      { user_id: 'me', at: '2024-01-01 00:00:00', album_name: "(What's the Story) Morning Glory?" },
    );
    // librefm_no_album_column.csv: Rick Astley at 1762874400 = 2025-11-11 15:20:00 UTC, no album.
    assert.deepEqual(
      (await q(data, "SELECT strftime(listened_at, '%Y-%m-%d %H:%M') AS at, album_name FROM listens WHERE artist_name = 'Rick Astley'"))[0],
      { at: '2025-11-11 15:20', album_name: null },
    );
    assert.deepEqual(await q(data, "SELECT track_name FROM listens WHERE user_id = '1' ORDER BY listened_at"), [
      { track_name: 'New Ice Age' },
      { track_name: 'Altered State' },
      { track_name: 'Old Friend; The Sea' },
    ]);
    const again = await runImport({ inputs: names.filter((n) => n !== 'librefm_no_header.csv').map((n) => join(imp, n)), dataDir: data });
    assert.equal(again.totals.accepted, 0);
  } finally {
    await cleanup();
  }
});

test('lastfm detection: both layouts, and CSVs that are not scrobbles are left alone', () => {
  const sample = (head: string) => ({ path: '/x/a.csv', name: 'a.csv', head });
  assert.equal(detectFormat(sample(UTS_CSV))?.name, 'lastfm-scrobbles');
  assert.equal(detectFormat(sample(PLAIN_CSV))?.name, 'lastfm-scrobbles');
  assert.equal(detectFormat(sample('Artist,Track,Album,Time\nA,B,C,1690347960\n'))?.name, 'librefm-scrobbles');
  assert.notEqual(detectFormat(sample('Never,Gonna,Give,You,Up\n'))?.name, 'lastfm-scrobbles');
  assert.notEqual(detectFormat(sample('a,b,c,d\n1,2,3,4\n'))?.name, 'lastfm-scrobbles');
});
