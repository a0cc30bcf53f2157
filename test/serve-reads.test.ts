// The read API on the tiny events world, whose answers are worked out by hand (test/helpers/tiny-events.ts):
// a live profile, recaps for a range in two time zones, a report before and after it has run, and
// recommendations before and after training.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runReports } from '../src/reports/runner.js';
import { trainRecs } from '../src/recs/index.js';
import { importTinyEvents } from './helpers/tiny-events.js';
import { call, servedFixture, until } from './helpers/serve.js';

describe('read API on the tiny world', () => {
  let data = '';
  const server = servedFixture({}, async (dir) => (data = await importTinyEvents(dir)));
  const get = (path: string) => call(server().url, 'GET', path, { token: server().tokens.admin });

  it("ua's live profile: 7 plays, 1 skip (e2), Pop first (e1, e3, e4, e6 → 4 plays)", async () => {
    // The engine publishes its views at its first flush after replaying the lake.
    await until(async () => (await get('/v1/users/ua/profile')).status === 200);
    const r = await get('/v1/users/ua/profile');
    assert.equal(r.status, 200, r.text);
    const p = r.json as { plays: number; skips: number; top_genres: { genre: string; plays: number }[] };
    assert.equal(p.plays, 7);
    assert.equal(p.skips, 1);
    assert.deepEqual(p.top_genres[0], { genre: 'Pop', plays: 4 });
  });

  it("ua's recap of 2026-03-02: 6 plays in UTC; 3 in Asia/Tokyo's 2026-03-03 (e4, e5, e6 fall after midnight there)", async () => {
    const utc = (await get('/v1/users/ua/recap?from=2026-03-02&to=2026-03-02&tz=UTC')).json as { plays: number; range: { tz: string } };
    assert.equal(utc.plays, 6);
    const tokyo = (await get('/v1/users/ua/recap?from=2026-03-03&to=2026-03-03&tz=Asia/Tokyo')).json as { plays: number; range: { tz: string } };
    assert.equal(tokyo.plays, 3);
    assert.equal(tokyo.range.tz, 'Asia/Tokyo');
    const bad = await get('/v1/users/ua/recap?tz=Mars/Olympus');
    assert.equal(bad.status, 400);
    assert.match(String((bad.json as { error: string }).error), /unknown time zone/);
  });

  it('a report is 204 until it has run, then its rows', async () => {
    assert.equal((await get('/v1/reports/top_songs')).status, 204);
    await runReports({ dataDir: data, group: 'activity' });
    const r = await get('/v1/reports/top_songs');
    assert.equal(r.status, 200, r.text);
    const body = r.json as { columns: string[]; rows: Record<string, unknown>[] };
    assert.ok(body.rows.length > 0);
    const list = (await get('/v1/reports')).json as { name: string; latest: { rows: number } | null }[];
    assert.equal(list.find((x) => x.name === 'top_songs')?.latest?.rows, body.rows.length);
    const csv = await get('/v1/reports/top_songs?format=csv');
    assert.equal(csv.text.trim().split('\n').length, body.rows.length + 1, 'a header and one line per row');
  });

  it('recommendations: a hint before training, then items that each carry a reason', async () => {
    const before_ = (await get('/v1/users/ub/recommendations')).json as { items: unknown[]; hint?: string };
    assert.deepEqual(before_.items, []);
    assert.match(String(before_.hint), /recs train/);
    await trainRecs(data);
    const r = await get('/v1/users/ub/recommendations?n=5&include_recent=true');
    assert.equal(r.status, 200, r.text);
    const items = (r.json as { items: { track_key: string; reason: string }[] }).items;
    assert.ok(items.length > 0);
    for (const i of items) assert.match(i.reason, /\w/);
    assert.equal((await get('/v1/users/ub/recommendations?strategy=astrology')).status, 400);
  });
});
