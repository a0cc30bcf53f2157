// The built-in reports are well declared: every manifest entry parses, has its SQL file, declares its
// columns, and is documented in docs/reports.md; parameter values are checked as documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRegistry, selectReports } from '../src/reports/registry.js';
import { checkParam, parseIsoWeek } from '../src/reports/params.js';

test('every built-in report parses, has SQL and columns, and is documented', () => {
  const reg = loadRegistry();
  const docs = readFileSync('docs/reports.md', 'utf8');
  assert.deepEqual(reg.groups.map((g) => g.name), ['activity', 'catalogue', 'recap', 'seed-insights']);
  assert.equal(reg.reports.length, 26);
  for (const r of reg.reports) {
    assert.equal(r.problem, undefined, `${r.name}: ${r.problem}`);
    assert.equal(r.origin, 'built-in');
    assert.ok(r.columns.length > 0, `${r.name} declares its columns`);
    assert.ok(readFileSync(r.sqlPath, 'utf8').startsWith('-- '), `${r.name}.sql opens with a comment saying what it answers`);
    assert.match(docs, new RegExp(`^### ${r.name}$`, 'm'), `${r.name} is documented`);
  }
  assert.deepEqual(selectReports(reg, [], 'seed-insights').map((r) => r.name), [
    'user_favorite_genres', 'avg_listen_time_per_song', 'top_songs_this_week', 'happy_recommendations', 'genre_loyalty_scores', 'night_owl_users', 'enriched_logs',
  ]);
});

test('parameter values are checked by type and range', () => {
  const threshold = { name: 'threshold', type: 'number', default: 0.8, description: '', min: 0, max: 1 } as const;
  assert.deepEqual(checkParam(threshold, '0.25'), { type: 'number', value: 0.25, shown: 0.25 });
  assert.deepEqual(checkParam(threshold, 'abc'), { error: 'expected a number, got "abc"' });
  assert.deepEqual(checkParam({ name: 'd', type: 'date', default: null, description: '' }, '2024-02-30'), { error: 'expected a date YYYY-MM-DD, got "2024-02-30"' });
  assert.deepEqual(checkParam({ name: 'n', type: 'integer', default: 1, description: '' }, '2.5'), { error: 'expected a whole number, got "2.5"' });
  // ISO weeks: week 1 holds 4 January; 2020 and 2026 have 53 weeks, 2024 and 2025 have 52.
  const day = (d: number | null) => (d === null ? null : new Date(d * 86_400_000).toISOString().slice(0, 10));
  assert.equal(day(parseIsoWeek('2025-W13')), '2025-03-24');
  assert.equal(day(parseIsoWeek('2025-W01')), '2024-12-30');
  assert.equal(day(parseIsoWeek('2020-W53')), '2020-12-28');
  assert.equal(day(parseIsoWeek('2026-W53')), '2026-12-28');
  assert.equal(parseIsoWeek('2024-W53'), null);
  assert.equal(parseIsoWeek('2025-W00'), null);
});
