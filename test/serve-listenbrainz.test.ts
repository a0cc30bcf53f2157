// The ListenBrainz fixture suite: every submit-listens payload from listenbrainz-server's own tests gets
// the status its tests assert, and what was accepted reads back through /1/user/{name}/listens.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATASETS, needsDatasets } from './helpers/lake.js';
import { call, servedFixture } from './helpers/serve.js';

/** Expected statuses, from the datasets README (listenbrainz/tests/integration/test_api.py). */
const EXPECTED: Record<string, number> = {
  'valid_single.json': 200,
  'valid_playing_now.json': 200,
  'valid_import.json': 200,
  'valid_duration.json': 200,
  'playing_now_with_duration.json': 200,
  'playing_now_with_duration_ms.json': 200,
  'additional_info.json': 200,
  'invalid_mbid_listens.json': 200,
  'same_batch_duplicates.json': 200,
  'same_timestamp_diff_track_valid_single.json': 200,
  'same_timestamp_diff_track_valid_single_2.json': 200,
  'same_timestamp_diff_track_valid_single_3.json': 200,
  'single_more_than_one_listen.json': 400,
  'playing_now_with_ts.json': 400,
  'playing_now_more_than_one_listen.json': 400,
  'empty_track_name.json': 400,
  'empty_artist_name.json': 400,
  'invalid_release_name.json': 400,
  'artist_name_list.json': 400,
  'invalid_artist_mbid.json': 400,
  'invalid_release_mbid.json': 400,
  'invalid_recording_mbid.json': 400,
  'invalid_listen_missing_track_metadata.json': 400,
  'invalid_listen_null_track_metadata.json': 400,
  'invalid_listen_null_listened_at.json': 400,
  'invalid_listen_nan_in_json.json': 400,
  'listen_having_unicode_null.json': 400,
  'multi_duration.json': 400,
  'invalid_duration.json': 400,
  'timestamp_in_ns.json': 400,
  'timestamp_before_lfm_founding.json': 400,
  'too_many_tags.json': 400,
  'too_long_tag.json': 400,
  'too_large_listen.json': 400,
};

describe('ListenBrainz submit-listens fixtures', needsDatasets(), () => {
  const dir = join(DATASETS, 'listenbrainz_fixtures', 'submit_listens');
  const server = servedFixture();

  for (const [file, status] of Object.entries(EXPECTED)) {
    it(`${file} → ${status}`, async () => {
      const body = await readFile(join(dir, file));
      const r = await call(server().url, 'POST', '/1/submit-listens', { token: server().tokens.alice, body });
      assert.equal(r.status, status, `${file}: ${r.text}`);
      if (status === 200) assert.deepEqual(r.json, { status: 'ok' });
      else assert.match(String((r.json as { error?: string }).error), /\w/, 'a 400 names the problem');
    });
  }

  it('the listens accepted read back, duplicates in a batch stored once, same-second listens of different tracks all kept', async () => {
    const r = await call(server().url, 'GET', '/1/user/alice/listens?count=1000', { token: server().tokens.alice });
    assert.equal(r.status, 200);
    const listens = (r.json as { payload: { listens: { listened_at: number; track_metadata: { track_name: string; artist_name: string } }[] } }).payload.listens;
    const key = (l: (typeof listens)[number]) => `${l.listened_at}|${l.track_metadata.artist_name}|${l.track_metadata.track_name}`;
    // Every listen of every accepted non-playing_now file is there, each once.
    const expected = new Set<string>();
    for (const [file, status] of Object.entries(EXPECTED)) {
      if (status !== 200) continue;
      const doc = JSON.parse(await readFile(join(dir, file), 'utf8')) as { listen_type: string; payload: { listened_at?: number; track_metadata: { track_name: string; artist_name: string } }[] };
      if (doc.listen_type === 'playing_now') continue;
      for (const l of doc.payload) expected.add(`${l.listened_at}|${l.track_metadata.artist_name}|${l.track_metadata.track_name}`);
    }
    assert.deepEqual(new Set(listens.map(key)), expected);
    assert.equal(listens.length, expected.size, 'no listen stored twice');
    const dup = JSON.parse(await readFile(join(dir, 'same_batch_duplicates.json'), 'utf8')) as { payload: unknown[] };
    assert.equal(dup.payload.length, 3, 'the fixture holds 3 identical listens');
  });

  it('playing_now is kept apart from listens and readable', async () => {
    const r = await call(server().url, 'GET', '/1/user/alice/playing-now', { token: server().tokens.alice });
    assert.equal(r.status, 200);
    const p = (r.json as { payload: { count: number; playing_now: boolean } }).payload;
    assert.equal(p.count, 1);
    assert.equal(p.playing_now, true);
  });

  it('a submission without a token is 401, with a wrong token 401', async () => {
    const body = await readFile(join(dir, 'valid_single.json'));
    assert.equal((await call(server().url, 'POST', '/1/submit-listens', { body })).status, 401);
    assert.equal((await call(server().url, 'POST', '/1/submit-listens', { token: 'not-a-token', body })).status, 401);
  });

  it('more than 1,000 listens in one import is 400', async () => {
    const doc = JSON.parse(await readFile(join(dir, 'valid_import.json'), 'utf8')) as { payload: unknown[] };
    const one = doc.payload[0];
    const big = { listen_type: 'import', payload: Array.from({ length: 1001 }, () => one) };
    const r = await call(server().url, 'POST', '/1/submit-listens', { token: server().tokens.alice, body: JSON.stringify(big) });
    assert.equal(r.status, 400);
    assert.match(String((r.json as { error: string }).error), /1000 listens/);
  });

  it('validate-token says who a token belongs to', async () => {
    const ok = await call(server().url, 'GET', '/1/validate-token', { token: server().tokens.bob });
    assert.deepEqual(ok.json, { code: 200, message: 'Token valid.', valid: true, user_name: 'bob' });
    const bad = await call(server().url, 'GET', '/1/validate-token?token=nope');
    assert.equal((bad.json as { valid: boolean }).valid, false);
  });

  it('user statistics count the listens in range', async () => {
    const r = await call(server().url, 'GET', '/1/stats/user/alice/artists?range=all_time&count=100', { token: server().tokens.alice });
    assert.equal(r.status, 200);
    const artists = (r.json as { payload: { artists: { artist_name: string; listen_count: number }[] } }).payload.artists;
    const listens = ((await call(server().url, 'GET', '/1/user/alice/listens?count=1000', { token: server().tokens.alice })).json as { payload: { listens: { track_metadata: { artist_name: string } }[] } }).payload.listens;
    const byArtist = new Map<string, number>();
    for (const l of listens) byArtist.set(l.track_metadata.artist_name, (byArtist.get(l.track_metadata.artist_name) ?? 0) + 1);
    for (const a of artists) assert.equal(a.listen_count, byArtist.get(a.artist_name), a.artist_name);
    assert.equal(artists.reduce((s, a) => s + a.listen_count, 0), listens.length);
    const bad = await call(server().url, 'GET', '/1/stats/user/alice/artists?range=fortnight', { token: server().tokens.alice });
    assert.equal(bad.status, 400);
    const daily = await call(server().url, 'GET', '/1/stats/user/alice/daily-activity', { token: server().tokens.alice });
    assert.equal(daily.status, 200);
    const activity = await call(server().url, 'GET', '/1/stats/user/alice/listening-activity?range=all_time', { token: server().tokens.alice });
    const total = (activity.json as { payload: { listening_activity: { listen_count: number }[] } }).payload.listening_activity.reduce((s, x) => s + x.listen_count, 0);
    assert.equal(total, listens.length);
    // Bob has no listens: ListenBrainz answers 204 when there are no statistics.
    assert.equal((await call(server().url, 'GET', '/1/stats/user/bob/recordings', { token: server().tokens.bob })).status, 204);
  });
});
