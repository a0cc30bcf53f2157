// Moods: the derivation rule at its thresholds (written out by hand), the SQL spelling agreeing with
// the TypeScript one over a grid, configurable thresholds, and per-user tags weighted by time played.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveMood, moodOptions, moodSql, trackMood, normaliseMood } from '../src/ml/moods.js';
import { openDb, all } from '../src/util/db.js';
import { describeScaled } from '../src/ml/describe.js';

test('derived moods: Happy, Energetic, Chill, Sad around valence 0.5 and energy 0.5', () => {
  assert.equal(deriveMood(0.8, 0.9), 'Happy');
  assert.equal(deriveMood(0.2, 0.9), 'Energetic');
  assert.equal(deriveMood(0.8, 0.1), 'Chill');
  assert.equal(deriveMood(0.2, 0.1), 'Sad');
  assert.equal(deriveMood(0.5, 0.5), 'Happy', 'thresholds are inclusive');
  assert.equal(deriveMood(null, 0.5), null);
  assert.equal(deriveMood(NaN, 0.5), null);
});

test('the catalogue mood wins; thresholds are configurable and checked', () => {
  assert.equal(trackMood(' chill ', 0.1, 0.9), 'Chill');
  assert.equal(trackMood(null, 0.55, 0.9, { valence: 0.6, energy: 0.5 }), 'Energetic');
  assert.equal(normaliseMood(''), null);
  assert.throws(() => moodOptions({ valence: 1.5 }), /--mood-valence must be a number between 0 and 1/);
});

test('the SQL rule gives the TypeScript rule on a grid, with a catalogue mood and with gaps', async () => {
  const t = { valence: 0.4, energy: 0.6 };
  const cases: [string | null, number | null, number | null][] = [];
  for (const v of [0, 0.39, 0.4, 0.7, null]) for (const e of [0.1, 0.6, 0.61, null]) cases.push([null, v, e]);
  cases.push(['sad', 0.9, 0.9], ['  ', 0.9, 0.9]);
  const db = await openDb();
  try {
    const values = cases.map(([m, v, e]) => `(${m === null ? 'NULL' : `'${m}'`}, ${v ?? 'NULL'}::DOUBLE, ${e ?? 'NULL'}::DOUBLE)`).join(', ');
    const rows = await all(db.conn, `SELECT ${moodSql(t)} AS mood FROM (VALUES ${values}) t(mood, valence, energy)`);
    assert.deepEqual(rows.map((r) => r['mood']), cases.map(([m, v, e]) => trackMood(m, v, e, t)));
  } finally {
    db.close();
  }
});

test('describeScaled names the strongest features, high or low, and says so when nothing stands out', () => {
  // Order: danceability, energy, valence, tempo, acousticness, instrumentalness, speechiness, liveness, loudness.
  assert.equal(describeScaled([0, -1.2, 0.8, 0, 2, 0, 0, 0, 0]), 'acoustic, calm, positive');
  assert.equal(describeScaled([0.1, 0, 0, 0, 0, 0, 0, 0, -0.2]), 'middle of the road');
  assert.equal(describeScaled([0, 0, 0, 0, 0, 0, 0, 0, -2], 1), 'quiet');
});
