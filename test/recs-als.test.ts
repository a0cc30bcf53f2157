// ALS with conjugate-gradient and Woodbury updates: the linear algebra on hand-worked cases, the exact
// short-row solve against the normal equations written out densely here, and that it learns a
// block structure (users of one group are recommended that group's items).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gramian, invertSpd, trainAls, alsScores } from '../src/recs/als.js';
import { buildInteractions, transpose, mapValues, type Pair } from '../src/recs/matrix.js';
import { topIndices } from '../src/recs/topn.js';

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('gramian: YᵀY + λI of a 2 × 2 by hand', () => {
  // Y rows (1, 2) and (3, 4): YᵀY = [[1+9, 2+12], [2+12, 4+16]].
  const G = gramian(Float64Array.from([1, 2, 3, 4]), 2, 0.5);
  assert.deepEqual([...G], [10.5, 14, 14, 20.5]);
});

test('invertSpd: the inverse of [[4, 2], [2, 3]] is [[3, −2], [−2, 4]] / 8', () => {
  const H = invertSpd(Float64Array.from([4, 2, 2, 3]), 2);
  [3 / 8, -2 / 8, -2 / 8, 4 / 8].forEach((v, i) => close(H[i]!, v, 1e-12));
});

test('CSR: repeated pairs are summed, the transpose swaps sides', () => {
  const { byUser } = buildInteractions(2, 3, [
    { user: 1, item: 2, weight: 1, last: 5 },
    { user: 0, item: 1, weight: 2, last: 1 },
    { user: 1, item: 2, weight: 3, last: 9 },
  ]);
  assert.deepEqual([...byUser.indptr], [0, 1, 2]);
  assert.deepEqual([...byUser.indices], [1, 2]);
  assert.deepEqual([...byUser.values], [2, 4]);
  const t = transpose(byUser);
  assert.deepEqual([...t.indptr], [0, 0, 1, 2]);
  assert.deepEqual([...t.indices], [0, 1]);
});

/** Two taste groups: users 0–9 play items 0–9, users 10–19 play items 10–19 (each user misses one). */
function blocks(): Pair[] {
  const pairs: Pair[] = [];
  for (let u = 0; u < 20; u++) {
    const g = u < 10 ? 0 : 10;
    for (let i = g; i < g + 10; i++) if (i - g !== u % 10) pairs.push({ user: u, item: i, weight: 1 + ((u + i) % 3), last: NaN });
  }
  return pairs;
}

test('the item side after the last half-iteration solves its normal equations exactly (Woodbury rows)', () => {
  const { byUser } = buildInteractions(20, 20, blocks());
  const C = mapValues(byUser, (w) => 1 + Math.log1p(w));
  const f = 4;
  const lambda = 0.3;
  const fa = trainAls(C, transpose(C), { factors: f, iterations: 2, regularization: lambda, cgSteps: 2, seed: 1 });
  // For item i: (XᵀX + λI + Σ_u (c_ui − 1) x_u x_uᵀ) y_i = Σ_u c_ui x_u, written out densely.
  const Ct = transpose(C);
  for (const i of [0, 7, 15]) {
    const A = Array.from({ length: f }, (_, a) => Array.from({ length: f }, (_, b) => (a === b ? lambda : 0)));
    const b = new Array<number>(f).fill(0);
    for (let u = 0; u < 20; u++) for (let a = 0; a < f; a++) for (let q = 0; q < f; q++) A[a]![q]! += fa.user[u * f + a]! * fa.user[u * f + q]!;
    for (let k = Ct.indptr[i]!; k < Ct.indptr[i + 1]!; k++) {
      const u = Ct.indices[k]!;
      const c = Ct.values[k]!;
      for (let a = 0; a < f; a++) {
        b[a]! += c * fa.user[u * f + a]!;
        for (let q = 0; q < f; q++) A[a]![q]! += (c - 1) * fa.user[u * f + a]! * fa.user[u * f + q]!;
      }
    }
    for (let a = 0; a < f; a++) {
      let lhs = 0;
      for (let q = 0; q < f; q++) lhs += A[a]![q]! * fa.item[i * f + q]!;
      close(lhs, b[a]!, 1e-4);
    }
  }
});

test('learns the block structure: each user’s missing item ranks above every other-group item', () => {
  const { byUser } = buildInteractions(20, 20, blocks());
  const C = mapValues(byUser, (w) => 1 + 2 * Math.log1p(w));
  const fa = trainAls(C, transpose(C), { factors: 4, iterations: 10, regularization: 0.1, cgSteps: 3, seed: 7 });
  for (let u = 0; u < 20; u++) {
    const played = new Set(byUser.indices.subarray(byUser.indptr[u]!, byUser.indptr[u + 1]!));
    const [top] = topIndices(alsScores(fa, u), 1, played);
    const g = u < 10 ? 0 : 10;
    assert.equal(top, g + (u % 10), `user ${u}`);
  }
});

test('same seed, same factors; no factors for users without plays', () => {
  const pairs = blocks().filter((p) => p.user !== 3);
  const { byUser } = buildInteractions(20, 20, pairs);
  const opts = { factors: 3, iterations: 3, regularization: 0.1, cgSteps: 2, seed: 5 };
  const a = trainAls(byUser, transpose(byUser), opts);
  const b = trainAls(byUser, transpose(byUser), opts);
  assert.deepEqual([...a.item], [...b.item]);
  assert.deepEqual([...a.user.subarray(9, 12)], [0, 0, 0]);
});
