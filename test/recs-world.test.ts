// Recommenders end to end on a small generated world: train and store, recommend with reasons, at most
// two per artist, recently played left out unless asked, a user with no history, mood tags weighted by
// time played, a time-split evaluation of every strategy, and clear errors for bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWorld } from '../src/generate/index.js';
import { runImport } from '../src/import/run.js';
import { evaluate, recommend, trainRecs, userMoodTags, STRATEGIES } from '../src/recs/index.js';
import { q, tempDir } from './helpers/lake.js';

let dir = '';
let data = '';
let cleanup: () => Promise<void> = async () => {};

before(async () => {
  ({ dir, cleanup } = await tempDir());
  data = join(dir, 'data');
  await generateWorld({ out: join(dir, 'world'), users: 40, tracks: 400, events: 12_000, days: 60, seed: 3, format: 'events', dirty: 0 });
  await runImport({ inputs: [join(dir, 'world')], dataDir: data });
});
after(() => cleanup());

test('no trained models yet: a clear error naming the command', () => {
  assert.throws(
    () => recommend(data, 'x'),
    (e: Error & { hint?: string }) => /^no trained recommenders in /.test(e.message) && /earshot recs train/.test(e.hint ?? ''),
  );
});

test('train stores a generation every process can read; recommendations carry reasons and respect the rules', async () => {
  const s = await trainRecs(data, { train: { als: { factors: 8, iterations: 4, regularization: 1, cgSteps: 2, seed: 1 }, alpha: 1, itemItem: { neighbours: 50, shrink: 10 }, tagShare: 0.25 } });
  assert.equal(s.source, 'listens');
  const known = Number((await q(data, `SELECT avg((ms_played IS NOT NULL)::INT) AS k FROM listens`))[0]!['k']);
  assert.equal(s.weight, known >= 0.9 ? 'minutes' : 'plays');
  assert.deepEqual(Object.keys(s.seconds), [...STRATEGIES]);
  const current = JSON.parse(readFileSync(join(data, 'recs', 'current.json'), 'utf8')) as { generation: string };
  assert.equal(current.generation, s.generation);
  assert.ok(existsSync(join(data, 'recs', s.generation, 'als.item.bin')));

  const user = String((await q(data, `SELECT user_id FROM listens GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`))[0]!['user_id']);
  const latest = Number((await q(data, `SELECT epoch_ms(max(listened_at)) AS t FROM listens`))[0]!['t']);
  const recent = new Set((await q(data, `SELECT DISTINCT track_key FROM listens WHERE user_id = '${user}' AND epoch_ms(listened_at) >= ${latest - 30 * 86_400_000}`)).map((r) => String(r['track_key'])));
  for (const strategy of STRATEGIES) {
    const recs = recommend(data, user, { n: 15, strategy });
    assert.equal(recs.length, 15, strategy);
    const perArtist = new Map<string, number>();
    for (const r of recs) {
      assert.ok(r.reason.length > 0, `${strategy}: empty reason`);
      assert.ok(!recent.has(r.track_key), `${strategy}: recently played ${r.track_key}`);
      perArtist.set(r.artist!, (perArtist.get(r.artist!) ?? 0) + 1);
    }
    assert.ok(Math.max(...perArtist.values()) <= 2, `${strategy}: more than two by one artist`);
  }
  const reasons = recommend(data, user, { n: 20, strategy: 'blend' }).map((r) => r.reason);
  assert.ok(reasons.some((r) => /because you played|listeners like you/.test(r)), reasons.join(' | '));
  assert.ok(recommend(data, user, { n: 5, strategy: 'content' }).every((r) => r.reason.startsWith('sounds like what you play: ')));
  assert.ok(recommend(data, user, { n: 5, strategy: 'mood' }).every((r) => /^(matches your \w+ (mornings|afternoons|evenings|nights)|a Happy lift for your Sad \w+)$/.test(r.reason)));
  const withRecent = recommend(data, user, { n: 400, strategy: 'popularity', includeRecent: true, perArtist: 1000 });
  assert.ok(withRecent.some((r) => recent.has(r.track_key)), 'includeRecent shows played tracks');
});

test('a user with no history gets popular tracks, saying so', () => {
  const recs = recommend(data, 'nobody-at-all', { n: 5, strategy: 'blend' });
  assert.equal(recs.length, 5);
  assert.ok(recs.every((r) => r.reason.endsWith('(no listening history yet)')), JSON.stringify(recs));
  assert.throws(() => recommend(data, 'x', { n: 0 }), /n must be a whole number ≥ 1/);
  assert.throws(() => recommend(data, 'x', { strategy: 'magic' as never }), /unknown strategy "magic"/);
});

test('mood tags: shares of time with a known mood sum to 1, the top mood is a tag', async () => {
  const user = String((await q(data, `SELECT user_id FROM listens GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`))[0]!['user_id']);
  const moods = await userMoodTags(data, user);
  assert.ok(moods.length >= 1);
  assert.ok(Math.abs(moods.reduce((s, m) => s + m.share, 0) - 1) < 1e-9);
  assert.equal(moods[0]!.tag, true);
  // Minutes are ms_played, else the track's length (every generated track has a mood): the lake's own sum.
  const total = Number((await q(data, `SELECT sum(coalesce(l.ms_played, t.duration_ms)) / 60000.0 AS m FROM listens l JOIN tracks t USING (track_key) WHERE user_id = '${user}'`))[0]!['m']);
  assert.ok(Math.abs(moods.reduce((s, m) => s + m.minutes, 0) - total) < 1e-6);
  assert.deepEqual(await userMoodTags(data, 'nobody-at-all'), []);
});

test('a time-split evaluation of every strategy; popularity is beaten by ALS', async () => {
  const e = await evaluate(data, { k: 10, train: { als: { factors: 16, iterations: 8, regularization: 1, cgSteps: 2, seed: 1 }, alpha: 1, itemItem: { neighbours: 50, shrink: 10 }, tagShare: 0.25 } });
  assert.equal(e.split, 'time');
  assert.deepEqual(e.rows.map((r) => r.strategy), [...STRATEGIES]);
  for (const r of e.rows) for (const v of [r.precision, r.recall, r.ndcg, r.map, r.coverage]) assert.ok(v >= 0 && v <= 1);
  const nd = Object.fromEntries(e.rows.map((r) => [r.strategy, r.ndcg]));
  assert.ok(nd['als']! > nd['popularity']!, JSON.stringify(nd));
});
