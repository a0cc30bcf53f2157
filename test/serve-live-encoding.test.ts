// Listens the server acknowledges reach the live views under their own users, tracks and artists, with
// the catalogue's genre and mood: the live path gives each batch's strings their ids by itself
// (src/engine/sources/encode.ts BatchDictionaries), batch after batch, new and already known strings mixed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { tempDir } from './helpers/lake.js';
import { writeFiles } from './helpers/reports.js';
import { call, testServer, until } from './helpers/serve.js';

const SONGS = 'song_id,title,artist,genre,mood\ns1,One,Ann,Pop,Happy\ns2,Two,Bo,Rock,Sad\ns3,Three,Cy,Jazz,Calm\n';

/** An NDJSON body of listens: [user, song, artist, second of 2026-03-01 10:00 UTC] (all in one trending window). */
const body = (rows: [string, string, string, number][]): string =>
  rows.map(([u, s, a, m]) => JSON.stringify({ user_id: u, song_id: s, track_name: `name of ${s}`, artist_name: a, listened_at: new Date(Date.UTC(2026, 2, 1, 10, 0, m)).toISOString(), ms_played: 60_000 })).join('\n');

test('three requests of mixed new and known users, tracks and artists: trending, profiles and recent listens name each one right', async () => {
  const { dir, cleanup } = await tempDir();
  const data = join(dir, 'data');
  await runImport({ inputs: await writeFiles(join(dir, 'in'), { 'songs_metadata.csv': SONGS }), dataDir: data });
  const s = await testServer(data, { checkpointEveryMs: 100 });
  try {
    const post = async (rows: [string, string, string, number][]) => {
      const r = await call(s.url, 'POST', '/v1/listens', { token: s.tokens.admin, body: body(rows), type: 'application/x-ndjson' });
      assert.equal((r.json as { accepted: number }).accepted, rows.length, r.text);
      // One batch each: wait until the engine has read this request before sending the next.
      const h = (await call(s.url, 'GET', '/healthz')).json as { ingest_seq: number };
      assert.ok(await until(async () => ((await call(s.url, 'GET', '/healthz')).json as { engine_seq: number }).engine_seq >= h.ingest_seq, 10_000));
    };
    await post([['alice', 's1', 'Ann', 0], ['alice', 's1', 'Ann', 1], ['alice', 's1', 'Ann', 2]]);
    await post([['bob', 's2', 'Bo', 3], ['bob', 's2', 'Bo', 4], ['alice', 's3', 'Cy', 5]]);
    await post([['carol', 's1', 'Ann', 6], ['carol', 's2', 'Bo', 7], ['bob', 's3', 'Cy', 8]]);

    const state = async () => (await call(s.url, 'GET', '/v1/live/state', { token: s.tokens.admin })).json as {
      trending: { tracks: { track_key: string; track_name: string | null; artist_name: string | null; plays: number }[] } | null;
      recent: { user_id: string; track_name: string | null; artist_name: string | null }[];
    };
    const total = async () => (await state()).trending?.tracks.reduce((n, t) => n + t.plays, 0) ?? 0;
    const ok = await until(async () => (await total()) === 9, 10_000);
    assert.ok(ok, JSON.stringify(await state()));
    const st = await state();
    // s1: alice ×3 + carol; s2: bob ×2 + carol; s3: alice + bob.
    assert.deepEqual(
      st.trending!.tracks.map((t) => [t.track_key, t.track_name, t.artist_name, t.plays]),
      [['song:s1', 'name of s1', 'Ann', 4], ['song:s2', 'name of s2', 'Bo', 3], ['song:s3', 'name of s3', 'Cy', 2]],
    );
    assert.deepEqual(st.recent.slice(0, 3).map((r) => [r.user_id, r.track_name, r.artist_name]).sort(), [['bob', 'name of s3', 'Cy'], ['carol', 'name of s1', 'Ann'], ['carol', 'name of s2', 'Bo']]);

    const profile = async (u: string) => (await call(s.url, 'GET', `/v1/users/${u}/profile`, { token: s.tokens.admin })).json as {
      plays: number;
      top_genres: { genre: string; plays: number }[];
      top_artists: { artist: string; plays: number }[];
      top_moods: { mood: string; plays: number }[];
    };
    assert.ok(await until(async () => (await profile('bob')).plays === 3, 10_000));
    const alice = await profile('alice');
    assert.equal(alice.plays, 4);
    assert.deepEqual(alice.top_genres, [{ genre: 'Pop', plays: 3 }, { genre: 'Jazz', plays: 1 }]);
    assert.deepEqual(alice.top_artists, [{ artist: 'Ann', plays: 3 }, { artist: 'Cy', plays: 1 }]);
    const bob = await profile('bob');
    assert.deepEqual(bob.top_moods, [{ mood: 'Sad', plays: 2 }, { mood: 'Calm', plays: 1 }]);
    const carol = await profile('carol');
    assert.deepEqual(carol.top_genres.map((g) => [g.genre, g.plays]).sort(), [['Pop', 1], ['Rock', 1]]);
  } finally {
    await s.close();
    await cleanup();
  }
});
