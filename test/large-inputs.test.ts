// Inputs past the size where spreading an array into Math.max overflows the stack (~120k elements):
// a query result printed as a table, and the mood recommender over a big catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRows } from '../src/cli/output.js';
import { mood } from '../src/recs/strategies/mood.js';
import type { RecsContext } from '../src/recs/types.js';

test('a 300,000-row result renders as a table, columns as wide as the widest cell', () => {
  const rows = Array.from({ length: 300_000 }, (_, i) => ({ user_id: `u${i}`, plays: i }));
  const out = renderRows(rows, ['user_id', 'plays'], 'table').split('\n');
  assert.equal(out.length, 300_002);
  // 'u299999' and the header 'user_id' are both 7 characters; plays reach '299999', wider than 'plays'.
  assert.equal(out[1], `${'─'.repeat(7)}  ${'─'.repeat(6)}`);
  assert.equal(out[300_001], 'u299999  299999');
});

test('the mood strategy scores a 200,000-track catalogue by popularity within the mood', () => {
  const n = 200_000;
  const moods = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'Happy' : 'Calm'));
  const popularity = new Float32Array(n).fill(1);
  popularity[4] = 99; // the most popular Happy track
  const ctx = {
    users: ['a'],
    items: { kind: 'track', keys: moods.map((_, i) => `t${i}`), titles: [], artists: [], genres: [], moods },
    features: new Float32Array(0),
    hasFeatures: new Uint8Array(n),
    interactions: { rows: 1, cols: n, indptr: new Int32Array([0, 1]), indices: new Int32Array([1]), values: new Float32Array([1]) },
    popularity,
    userMoods: new Map([[0, [{ mood: 'Sad', share: 0.9, part: 'nights' }]]]),
  } as unknown as RecsContext;
  const model = mood.train(ctx, { tagShare: 0.5 } as never, new Map());
  const { scores } = model.score({ user: 0, items: new Int32Array(0), weights: new Float32Array(0) });
  // Sad listener: Happy tracks only; log1p(99)/log1p(99) = 1 for the top one, log1p(1)/log1p(99) for the rest.
  assert.equal(scores[4], 1);
  assert.ok(Math.abs(scores[0]! - Math.log1p(1) / Math.log1p(99)) < 1e-6);
  assert.ok(Number.isNaN(scores[1]!));
});
