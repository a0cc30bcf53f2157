// ListenBrainz formats: the JSONL export (plain, zipped, and the older JSON array) and submit-listens
// payloads. Expected values are read from the fixture files themselves (listened_at converted with
// Python's datetime.fromtimestamp(t, timezone.utc)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { runImport } from '../src/import/run.js';
import { listenbrainzExport, listenbrainzSubmit } from '../src/formats/listenbrainz.js';
import { detectFormat } from '../src/formats/registry.js';
import { DATASETS, needsDatasets, one, q, tempDir } from './helpers/lake.js';

const importer = () => join(DATASETS, 'listenbrainz_fixtures', 'importer');
const submit = () => join(DATASETS, 'listenbrainz_fixtures', 'submit_listens');

type Reject = { file: string; loc: number; field: string; reason: string; got: string | null };
async function rejectsOf(path: string | null): Promise<Reject[]> {
  if (!path) return [];
  return (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Reject);
}
const base = (p: string): string => p.split(/[/!]/).pop()!;

test('listenbrainz-export: the importer fixtures, exact values, rejects by line, re-import adds 0', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const files = ['listenbrainz_listens.jsonl', 'listenbrainz_mixed_validity.jsonl', 'listenbrainz_all_invalid.jsonl'].map((f) => join(importer(), f));
    const s = await runImport({ inputs: files, dataDir: dir });
    const by = Object.fromEntries(s.files.map((f) => [base(f.file), f]));
    for (const f of s.files) assert.equal(f.format, 'listenbrainz-export');
    assert.deepEqual([by['listenbrainz_listens.jsonl']!.accepted, by['listenbrainz_listens.jsonl']!.rejected], [2, 0]);
    assert.deepEqual([by['listenbrainz_mixed_validity.jsonl']!.accepted, by['listenbrainz_mixed_validity.jsonl']!.rejected], [3, 2]);
    assert.deepEqual([by['listenbrainz_all_invalid.jsonl']!.accepted, by['listenbrainz_all_invalid.jsonl']!.rejected], [0, 3]);
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 5);

    // Line 1 of listenbrainz_listens.jsonl: Golden Brown, listened_at 1748964167 = 2025-06-03 15:22:47 UTC.
    const [g] = await q(dir, `SELECT user_id, strftime(listened_at, '%Y-%m-%d %H:%M:%S') AS at, track_key, track_name, artist_name, album_name,
        spotify_track_uri, isrc, recording_mbid, artist_mbid, release_mbid, platform, ms_played, action, source
      FROM listens WHERE track_name = 'Golden Brown' AND isrc IS NOT NULL`);
    assert.deepEqual(g, {
      user_id: 'me', at: '2025-06-03 15:22:47', track_key: 'spotify:track:2AX5E86cn9n2dgioZEjirI',
      track_name: 'Golden Brown', artist_name: 'The Stranglers', album_name: 'La Folie',
      spotify_track_uri: 'spotify:track:2AX5E86cn9n2dgioZEjirI', isrc: 'GBAYE8100053',
      recording_mbid: 'c7d0bf6e-b2aa-4ffa-bded-2448415b39b0', artist_mbid: 'a96d82a0-cdca-40bf-b4c8-3d7ec178d85b',
      release_mbid: 'c6911b3b-135f-4b7b-a2cc-b90ea1e11ac9', platform: 'listenbrainz', ms_played: null, action: 'play',
      source: 'listenbrainz-export',
    });
    // Line 2: California Dreamin', 1748967954 = 2025-06-03 16:25:54, ISRC USMC16532697.
    assert.equal(await one(dir, "SELECT isrc FROM listens WHERE listened_at = TIMESTAMPTZ '2025-06-03 16:25:54+00' AND spotify_track_uri IS NOT NULL"), 'USMC16532697');
    // mixed_validity line 5: Sweet Garden — Altered State at 1748967958 (no ids: the name is the identity).
    assert.equal(
      await one(dir, "SELECT track_key FROM listens WHERE listened_at = TIMESTAMPTZ '2025-06-03 16:25:58+00'"),
      'name:sweet garden — altered state',
    );

    const rej = await rejectsOf(s.rejectsFile);
    assert.deepEqual(
      rej.filter((r) => base(r.file) === 'listenbrainz_mixed_validity.jsonl').map((r) => [r.loc, r.field]),
      [[2, 'track_metadata.artist_name'], [4, 'track_metadata.track_name']],
    );
    assert.deepEqual(
      rej.filter((r) => base(r.file) === 'listenbrainz_all_invalid.jsonl').map((r) => [r.loc, r.field]),
      [[1, 'track_metadata.artist_name'], [2, 'track_metadata.track_name'], [3, 'track_metadata.artist_name']],
    );
    assert.match(rej[0]!.reason, /^expected track_metadata\.\w+_name, a non-empty string$/);

    const again = await runImport({ inputs: files, dataDir: dir });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicatesInLake, 5);
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 5);
  } finally {
    await cleanup();
  }
});

test('listenbrainz-export: a zip as ListenBrainz hands it out; user_name wins, else --user; other entries skipped', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const real = await readFile(join(importer(), 'listenbrainz_listens.jsonl'), 'utf8');
    const mine = [
      JSON.stringify({ listened_at: 1612101900, user_name: 'rob', track_metadata: { artist_name: 'Radiohead', track_name: 'Airbag', release_name: 'OK Computer' } }),
      '',
    ].join('\n');
    const zip = zipSync({
      'user.json': strToU8(JSON.stringify({ user_id: 1, username: 'rob' })),
      'feedback.jsonl': strToU8(JSON.stringify({ recording_msid: '03dcc65c-0e01-4f25-aa1f-0f469d10e2ad', score: 1, created: 1748964422 }) + '\n'),
      'listens/2025/6.jsonl': strToU8(real),
      'listens/2021/1.jsonl': strToU8(mine),
    });
    const z = join(dir, 'listenbrainz_rob_1748970000.zip');
    await writeFile(z, zip);
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [z], dataDir: data, user: 'alice' });
    const by = Object.fromEntries(s.files.map((f) => [f.file.split('!').pop(), f]));
    assert.equal(by['listens/2025/6.jsonl']!.format, 'listenbrainz-export');
    assert.equal(by['listens/2025/6.jsonl']!.accepted, 2);
    assert.equal(by['listens/2021/1.jsonl']!.accepted, 1);
    assert.ok(by['user.json']!.skipped && !by['user.json']!.error);
    assert.ok(by['feedback.jsonl']!.skipped && !by['feedback.jsonl']!.error);
    assert.deepEqual(await q(data, 'SELECT user_id, count(*) AS n FROM listens GROUP BY 1 ORDER BY 1'), [
      { user_id: 'alice', n: 2 },
      { user_id: 'rob', n: 1 },
    ]);
    assert.equal(await one(data, "SELECT origin FROM listens WHERE user_id = 'rob'"), `${z}!listens/2021/1.jsonl`);
    assert.equal(await one(data, "SELECT strftime(listened_at, '%Y-%m-%d %H:%M') FROM listens WHERE user_id = 'rob'"), '2021-01-31 14:05');
    const again = await runImport({ inputs: [z], dataDir: data, user: 'alice' });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicatesInLake, 3);
  } finally {
    await cleanup();
  }
});

test('listenbrainz-export: without --user the user is "me"; the older single-array export is read too', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const arr = join(dir, 'listens.json');
    await writeFile(
      arr,
      JSON.stringify([
        { listened_at: 1612101900, user_name: 'rob', recording_msid: 'x', track_metadata: { artist_name: 'Radiohead', track_name: 'Airbag' } },
        { listened_at: 1612102200, track_metadata: { artist_name: 'Radiohead', track_name: 'Paranoid Android' } },
      ], null, 2),
    );
    const s = await runImport({ inputs: [arr], dataDir: join(dir, 'data') });
    assert.equal(s.files[0]!.format, 'listenbrainz-export');
    assert.deepEqual(await q(join(dir, 'data'), 'SELECT user_id, track_name FROM listens ORDER BY listened_at'), [
      { user_id: 'rob', track_name: 'Airbag' },
      { user_id: 'me', track_name: 'Paranoid Android' },
    ]);
  } finally {
    await cleanup();
  }
});

test('listenbrainz-export: bad lines are rejected with the field; the rest land', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'listens.jsonl');
    const tm = (a: string | null, t: string) => ({ artist_name: a, track_name: t });
    await writeFile(
      f,
      [
        JSON.stringify({ listened_at: 1612101900, track_metadata: tm('Radiohead', 'Airbag') }), // 1 ok
        '{"listened_at": 1612102200, "track_metadata": {"artist_name": "Radiohe', // 2 truncated line
        JSON.stringify({ listened_at: 'yesterday', track_metadata: tm('Radiohead', 'Lucky') }), // 3 not a number
        JSON.stringify({ listened_at: 1612102800, track_metadata: tm(null, 'Lucky') }), // 4 missing artist
        JSON.stringify({ listened_at: 1612103100000, track_metadata: tm('Radiohead', 'Lucky') }), // 5 milliseconds
        JSON.stringify({ listened_at: 1612103400, track_metadata: { artist_name: 'Radiohead', track_name: ['Lucky'] } }), // 6 wrong type
        '', // blank lines are not records
        JSON.stringify({ listened_at: 1612103700, track_metadata: tm('Radiohead', 'No Surprises'), user_name: 7 }), // 8 user_name not a string
        JSON.stringify({ listened_at: 1612104000, track_metadata: { artist_name: 'Radiohead', track_name: 'Let Down', additional_info: { isrc: 'not-an-isrc', recording_mbid: 'nope', spotify_id: 'x' } } }), // 9 ok, bad ids dropped
        JSON.stringify({ listened_at: 946684799, track_metadata: tm('Radiohead', 'Lucky') }), // 10 1999-12-31 23:59:59
        '[1, 2]', // 11 not an object
      ].join('\n') + '\n',
    );
    const s = await runImport({ inputs: [f], dataDir: join(dir, 'data') });
    assert.equal(s.files[0]!.format, 'listenbrainz-export');
    assert.equal(s.totals.read, 10);
    assert.equal(s.totals.accepted, 2);
    const rej = await rejectsOf(s.rejectsFile);
    assert.deepEqual(
      rej.map((r) => [r.loc, r.field]),
      [[2, '(record)'], [3, 'listened_at'], [4, 'track_metadata.artist_name'], [5, 'listened_at'], [6, 'track_metadata.track_name'], [8, 'user_name'], [10, 'listened_at'], [11, '(record)']],
    );
    assert.equal(rej[1]!.reason, 'expected a JSON number');
    assert.equal(rej[1]!.got, '"yesterday"');
    assert.match(rej[3]!.reason, /milliseconds or nanoseconds/);
    assert.equal(rej[3]!.got, '1612103100000');
    assert.equal(rej[6]!.reason, 'expected a time between 2000-01-01 and tomorrow');
    const [letDown] = await q(join(dir, 'data'), "SELECT track_key, isrc, recording_mbid, spotify_track_uri FROM listens WHERE track_name = 'Let Down'");
    assert.deepEqual(letDown, { track_key: 'name:radiohead — let down', isrc: null, recording_mbid: null, spotify_track_uri: null });
  } finally {
    await cleanup();
  }
});

/**
 * What importing each submit-listens fixture does (folder import, files in name order, so a listen seen
 * in an earlier file is a duplicate in a later one). [accepted, duplicates, rejected, first reject field]
 */
const SUBMIT: Record<string, [number, number, number, string | null]> = {
  'additional_info.json': [1, 0, 0, null], // nested additional_info is fine; isrc "isrc" is dropped
  'artist_name_list.json': [0, 0, 1, 'track_metadata.artist_name'], // a list, not a string
  'empty_artist_name.json': [0, 0, 1, 'track_metadata.artist_name'],
  'empty_track_name.json': [0, 0, 1, 'track_metadata.track_name'],
  'invalid_artist_mbid.json': [1, 0, 0, null], // the bad MBID is dropped, the listen kept
  'invalid_duration.json': [0, 1, 0, null], // duration is not read; same listen as invalid_artist_mbid
  'invalid_listen_missing_track_metadata.json': [0, 0, 1, 'track_metadata'],
  'invalid_listen_nan_in_json.json': [0, 0, 1, '(record)'], // "listened_at": NaN is not JSON
  'invalid_listen_null_listened_at.json': [0, 0, 1, 'listened_at'],
  'invalid_listen_null_track_metadata.json': [0, 0, 1, 'track_metadata'],
  'invalid_mbid_listens.json': [2, 0, 0, null],
  'invalid_recording_mbid.json': [0, 1, 0, null], // bad MBID dropped, so the identity is the name: a duplicate
  'invalid_release_mbid.json': [0, 1, 0, null],
  'invalid_release_name.json': [0, 0, 1, 'track_metadata.release_name'], // 20, not a string
  'listen_having_unicode_null.json': [0, 0, 1, 'track_metadata.track_name'], // \u0000 in the title
  'multi_duration.json': [0, 1, 0, null],
  'playing_now_more_than_one_listen.json': [0, 0, 2, 'listen_type'],
  'playing_now_with_duration.json': [0, 0, 1, 'listen_type'],
  'playing_now_with_duration_ms.json': [0, 0, 1, 'listen_type'],
  'playing_now_with_ts.json': [0, 0, 1, 'listen_type'],
  'same_batch_duplicates.json': [0, 3, 0, null], // all 3 equal Fade in invalid_mbid_listens.json
  'same_timestamp_diff_track_valid_single.json': [1, 0, 0, null],
  'same_timestamp_diff_track_valid_single_2.json': [1, 0, 0, null],
  'same_timestamp_diff_track_valid_single_3.json': [1, 0, 0, null],
  'single_more_than_one_listen.json': [0, 2, 0, null], // both kept by import (the API would refuse 'single' with 2)
  'timestamp_before_lfm_founding.json': [0, 0, 1, 'listened_at'], // 100 = 1970
  'timestamp_in_ns.json': [0, 0, 1, 'listened_at'],
  'too_large_listen.json': [1, 0, 0, null], // size limits are the API's, not the importer's
  'too_long_tag.json': [0, 0, 1, 'listen_type'], // playing_now
  'too_many_tags.json': [0, 0, 1, 'listen_type'], // playing_now
  'valid_duration.json': [0, 1, 0, null],
  'valid_import.json': [0, 2, 0, null], // both already in invalid_mbid_listens.json
  'valid_playing_now.json': [0, 0, 1, 'listen_type'],
  'valid_single.json': [1, 0, 0, null],
};

test('listenbrainz-submit: every submit_listens fixture, file by file; none crashes', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const s = await runImport({ inputs: [submit()], dataDir: dir });
    const rej = await rejectsOf(s.rejectsFile);
    const seen = new Set<string>();
    for (const f of s.files) {
      const name = base(f.file);
      seen.add(name);
      assert.equal(f.error, undefined, `${name}: ${f.error}`);
      assert.equal(f.format, 'listenbrainz-submit', name);
      const want = SUBMIT[name];
      assert.ok(want, `no expectation for ${name}`);
      const firstField = rej.find((r) => base(r.file) === name)?.field ?? null;
      assert.deepEqual([f.accepted, f.duplicates, f.rejected, firstField], want, name);
    }
    assert.equal(seen.size, Object.keys(SUBMIT).length);
    // NaN is not JSON: that record is rejected as such (record 1), nothing lands.
    assert.ok(rej.some((r) => base(r.file) === 'invalid_listen_nan_in_json.json' && r.loc === 1 && /not valid JSON/.test(r.reason)));

    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 9);
    const pn = rej.find((r) => base(r.file) === 'valid_playing_now.json')!;
    assert.match(pn.reason, /playing_now listens are not stored/);
    assert.equal(pn.got, 'playing_now');
    // additional_info.json: 1489671410 = 2017-03-16 13:36:50 UTC; spotify_id http://open.spotify.com/track/1rrgWMXGCGHru5bIRxGFV0;
    // the first of artist_mbids; "isrc": "isrc" is no ISRC.
    const [ai] = await q(dir, `SELECT strftime(listened_at, '%Y-%m-%d %H:%M:%S') AS at, track_key, artist_mbid, isrc, album_name FROM listens WHERE origin LIKE '%additional_info.json'`);
    assert.deepEqual(ai, {
      at: '2017-03-16 13:36:50', track_key: 'spotify:track:1rrgWMXGCGHru5bIRxGFV0',
      artist_mbid: 'abaa7001-0d80-4e58-be5d-d2d246fd9d87', isrc: null, album_name: 'Majid Jordan',
    });
    // invalid_mbid_listens.json, listen 2: artist_mbids [null, "", "ac4f356f-..."] -> the valid one.
    assert.equal(await one(dir, "SELECT artist_mbid FROM listens WHERE track_name = 'Sister'"), 'ac4f356f-23e5-40ab-990e-da7e34b65d6e');
    // Four different tracks at 1486449409 (2017-02-07 06:36:49) are four listens.
    assert.equal(await one(dir, "SELECT count(*) FROM listens WHERE listened_at = TIMESTAMPTZ '2017-02-07 06:36:49+00'"), 4);

    const again = await runImport({ inputs: [submit()], dataDir: dir });
    assert.equal(again.totals.accepted, 0);
    // The 9 listens are in the lake now; the 12 copies are again duplicates within this import.
    assert.equal(again.totals.duplicatesInLake, 9);
    assert.equal(again.totals.duplicatesInImport, 12);
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 9);
  } finally {
    await cleanup();
  }
});

test('listenbrainz-submit: a truncated payload keeps the records before the cut; --user names the user', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'payload.json');
    const full = JSON.stringify({
      listen_type: 'import',
      payload: [
        { listened_at: 1612101900, track_metadata: { artist_name: 'Radiohead', track_name: 'Airbag' } },
        { listened_at: 1612102200, track_metadata: { artist_name: 'Radiohead', track_name: 'Paranoid Android' } },
        { listened_at: 1612102800, track_metadata: { artist_name: 'Radiohead', track_name: 'Subterranean Homesick Alien' } },
      ],
    });
    await writeFile(f, full.slice(0, full.indexOf('Subterranean') + 5));
    const s = await runImport({ inputs: [f], dataDir: join(dir, 'data'), user: 'bob' });
    assert.equal(s.files[0]!.format, 'listenbrainz-submit');
    assert.equal(s.totals.accepted, 2);
    assert.equal(s.totals.rejected, 1);
    const rej = await rejectsOf(s.rejectsFile);
    assert.equal(rej[0]!.loc, 3);
    assert.match(rej[0]!.reason, /truncated/);
    assert.deepEqual(await q(join(dir, 'data'), 'SELECT DISTINCT user_id FROM listens'), [{ user_id: 'bob' }]);
  } finally {
    await cleanup();
  }
});

test('listenbrainz detection: listens yes; feedback, user.json and a get-listens response no', () => {
  const sample = (name: string, head: string) => ({ path: `/x/${name}`, name, head });
  const line = '{"listened_at": 1, "track_metadata": {"artist_name": "a", "track_name": "b"}}\n';
  assert.equal(detectFormat(sample('6.jsonl', line))?.name, 'listenbrainz-export');
  assert.equal(detectFormat(sample('listens.json', `[\n ${line.trim()}\n]`))?.name, 'listenbrainz-export');
  assert.equal(detectFormat(sample('p.json', `{"listen_type": "single", "payload": [${line.trim()}]}`))?.name, 'listenbrainz-submit');
  assert.equal(listenbrainzExport.detect(sample('feedback.jsonl', '{"recording_msid": "x", "score": 1, "created": 1}\n')), 0);
  assert.equal(listenbrainzExport.detect(sample('user.json', '{"user_id": 1, "username": "rob"}')), 0);
  // A GET /1/user/X/listens response nests the listens under payload.listens: not a submit payload.
  const got = '{"payload": {"count": 1, "listens": [' + line.trim() + ']}}';
  assert.equal(listenbrainzSubmit.detect(sample('r.json', got)), 0);
  assert.equal(listenbrainzExport.detect(sample('r.json', got)), 0);
});
