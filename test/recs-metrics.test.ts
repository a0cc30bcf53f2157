// Offline-evaluation metrics and list picking on tiny cases worked out by hand (expected values are
// written out here, never produced by the code under test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apAtK, evaluateLists, ndcgAtK, precisionAtK, recallAtK } from '../src/recs/metrics.js';
import { pickTop, topIndices } from '../src/recs/topn.js';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('two hits at ranks 2 and 5 of five, three relevant', () => {
  const ranked = [1, 2, 3, 4, 5];
  const rel = new Set([2, 5, 9]);
  close(precisionAtK(ranked, rel, 5), 2 / 5);
  close(recallAtK(ranked, rel, 5), 2 / 3);
  // DCG = 1/log2(3) + 1/log2(6) = 0.630930 + 0.386853; ideal DCG (3 hits) = 1 + 0.630930 + 0.5.
  close(ndcgAtK(ranked, rel, 5), (0.6309297535714574 + 0.38685280723454163) / (1 + 0.6309297535714574 + 0.5));
  // AP = (1/2 + 2/5) / min(5, 3) = 0.9 / 3.
  close(apAtK(ranked, rel, 5), 0.3);
});

test('a perfect list scores 1 everywhere; nothing relevant scores 0', () => {
  const rel = new Set([7, 8]);
  for (const f of [precisionAtK, recallAtK, ndcgAtK, apAtK]) close(f([7, 8], rel, 2), 1);
  for (const f of [precisionAtK, recallAtK, ndcgAtK, apAtK]) close(f([7, 8], new Set(), 2), 0);
});

test('a list shorter than k: precision divides by k, NDCG and AP by what was possible', () => {
  const rel = new Set([1]);
  close(precisionAtK([1], rel, 3), 1 / 3);
  close(recallAtK([1], rel, 3), 1);
  close(ndcgAtK([1], rel, 3), 1);
  close(apAtK([1], rel, 3), 1);
});

test('a hit at rank 1 only counts within k', () => {
  const rel = new Set([4]);
  close(ndcgAtK([1, 2, 4], rel, 2), 0);
  close(ndcgAtK([1, 2, 4], rel, 3), 1 / 2); // 1/log2(4)
  close(apAtK([1, 2, 4], rel, 3), 1 / 3);
});

test('means over users with something held out; coverage over every list', () => {
  const m = evaluateLists(
    [
      { ranked: [1, 2], relevant: new Set([1]) }, // P 1/2, R 1, AP 1, NDCG 1
      { ranked: [2, 3], relevant: new Set([9]) }, // all 0
      { ranked: [4, 5], relevant: new Set() }, // skipped in means, counted in coverage
    ],
    2,
    10,
  );
  assert.equal(m.users, 2);
  close(m.precision, 0.25);
  close(m.recall, 0.5);
  close(m.ndcg, 0.5);
  close(m.map, 0.5);
  close(m.coverage, 5 / 10); // items 1, 2, 3, 4, 5
});

test('topIndices: best first, ties by lower index, excluded and non-finite skipped', () => {
  assert.deepEqual(topIndices([0.1, 0.9, NaN, 0.9, 0.5, -Infinity], 3), [1, 3, 4]);
  assert.deepEqual(topIndices([0.1, 0.9, NaN, 0.9, 0.5], 3, new Set([1])), [3, 4, 0]);
  assert.deepEqual(topIndices([1, 2], 5), [1, 0]);
  assert.deepEqual(topIndices([1, 2], 0), []);
});

test('pickTop: at most two per artist, unknown artists never capped', () => {
  const scores = [9, 8, 7, 6, 5, 4];
  const artists = ['A', 'A', 'A', null, 'B', null];
  assert.deepEqual(pickTop(scores, { n: 4, artists, perArtist: 2 }), [0, 1, 3, 4]);
  assert.deepEqual(pickTop(scores, { n: 10, artists, perArtist: 2 }), [0, 1, 3, 4, 5]);
});
