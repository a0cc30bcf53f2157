// A report that fails says which report, which parameter and what is wrong, and the others of the run
// still finish: a bad parameter, a missing table, an SQL error, an undeclared $parameter, columns that
// differ from the manifest, a broken manifest entry. Also: user reports from DATA/reports, run-level
// mistakes caught before anything runs, and the CLI's exit code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { runImport } from '../src/import/run.js';
import { runReports } from '../src/reports/runner.js';
import { UsageError } from '../src/util/errors.js';
import { tempDir } from './helpers/lake.js';
import { runAndRead, tuples, writeFiles } from './helpers/reports.js';

const LOGS = `user_id,song_id,timestamp,duration_sec
u1,s1,2025-03-20 10:00:00,100
u1,s2,2025-03-20 11:00:00,200
u2,s1,2025-03-21 02:00:00,50
`;
const SONGS = `song_id,title,artist,genre,mood
s1,One,A1,Pop,Happy
s2,Two,A2,Rock,Sad
`;
const USER_MANIFEST = {
  group: 'mine',
  description: 'reports of this data directory',
  reports: [
    { name: 'plays_per_user', description: 'plays per user', parameters: [{ name: 'min_plays', type: 'integer', default: 1, description: 'at least' }], columns: [{ name: 'user_id', type: 'VARCHAR', description: '' }, { name: 'plays', type: 'BIGINT', description: '' }] },
    { name: 'needs_missing_table', description: 'reads a table that does not exist', columns: [] },
    { name: 'broken_sql', description: 'has a typo', columns: [] },
    { name: 'undeclared_param', description: 'uses $limit without declaring it', columns: [] },
    { name: 'wrong_columns', description: 'returns other columns than declared', columns: [{ name: 'user_id', type: 'VARCHAR', description: '' }] },
    { name: 'bad_entry', description: 'a parameter of an unknown type', parameters: [{ name: 'x', type: 'colour', default: 'red', description: '' }], columns: [] },
  ],
};
const USER_SQL: Record<string, string> = {
  'plays_per_user.sql': '-- plays per user\nSELECT user_id, count(*) AS plays FROM range_listens GROUP BY user_id HAVING count(*) >= $min_plays ORDER BY user_id; -- done\n-- the end\n',
  'needs_missing_table.sql': 'SELECT * FROM plays_by_day',
  'broken_sql.sql': 'SELEC user_id FROM listens',
  'undeclared_param.sql': 'SELECT user_id FROM listens LIMIT $limit',
  'wrong_columns.sql': 'SELECT user_id, count(*) AS n FROM listens GROUP BY 1',
  'bad_entry.sql': 'SELECT 1 AS x',
};

let data = '';
let cleanup: () => Promise<void> = async () => undefined;
before(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  data = join(t.dir, 'data');
  await runImport({ inputs: await writeFiles(join(t.dir, 'in'), { 'listening_logs.csv': LOGS, 'songs_metadata.csv': SONGS }), dataDir: data });
  await writeFiles(join(data, 'reports'), { ...USER_SQL, 'manifest.json': JSON.stringify(USER_MANIFEST) });
});
after(() => cleanup());

test('a bad parameter fails its report only, naming the report, the parameter and the problem', async () => {
  const { summary, rows } = await runAndRead({ dataDir: data, group: 'seed-insights', params: { threshold: 'high', week: '2025-W54' } });
  const failed = summary.outcomes.filter((o) => !o.ok);
  assert.deepEqual(failed.map((o) => [o.report, o.error!.kind, o.error!.parameter]), [['top_songs_this_week', 'parameter', 'week'], ['genre_loyalty_scores', 'parameter', 'threshold']]);
  assert.equal(failed[0]!.error!.message, 'report top_songs_this_week: parameter week: 2025-W54 is not a week of that year');
  assert.equal(failed[1]!.error!.message, 'report genre_loyalty_scores: parameter threshold: expected a number, got "high"');
  // The other five finished and are in the store.
  assert.deepEqual(Object.keys(rows).sort(), ['avg_listen_time_per_song', 'enriched_logs', 'happy_recommendations', 'night_owl_users', 'user_favorite_genres']);
  assert.deepEqual(tuples(rows['night_owl_users']!, ['user_id', 'night_plays']), [['u2', 1]]);
  // Out of the declared range.
  const out = await runReports({ dataDir: data, names: ['genre_loyalty_scores'], params: { threshold: '1.5' } });
  assert.equal(out.outcomes[0]!.error!.message, 'report genre_loyalty_scores: parameter threshold: must be at most 1, got 1.5');
});

test('a missing table, an SQL error, an undeclared $parameter, wrong columns and a broken entry: each named, the rest finish', async () => {
  const { summary, rows } = await runAndRead({ dataDir: data, group: 'mine' });
  const by = Object.fromEntries(summary.outcomes.map((o) => [o.report, o]));
  assert.ok(by['plays_per_user']!.ok);
  assert.deepEqual(tuples(rows['plays_per_user']!, ['user_id', 'plays']), [['u1', 2], ['u2', 1]]);

  assert.equal(by['needs_missing_table']!.error!.kind, 'missing-table');
  assert.match(by['needs_missing_table']!.error!.message, /^report needs_missing_table: table plays_by_day does not exist \(lake tables: listens, tracks/);
  assert.equal(by['broken_sql']!.error!.kind, 'sql');
  assert.match(by['broken_sql']!.error!.message, /^report broken_sql: SQL error: Parser Error: syntax error at or near "SELEC"/);
  assert.equal(by['undeclared_param']!.error!.kind, 'parameter');
  assert.equal(by['undeclared_param']!.error!.parameter, 'limit');
  assert.match(by['undeclared_param']!.error!.message, /^report undeclared_param: parameter limit: the SQL uses \$limit, which the manifest does not declare/);
  assert.equal(by['wrong_columns']!.error!.message, 'report wrong_columns: the query returns columns (user_id, n) but the manifest declares (user_id)');
  assert.equal(by['bad_entry']!.error!.kind, 'manifest');
  assert.match(by['bad_entry']!.error!.message, /^report bad_entry: bad manifest entry: parameter x has type "colour"/);
  assert.equal(summary.failed, 5);
});

test('user reports take --param and mix with built-in ones in one run', async () => {
  const { summary, rows } = await runAndRead({ dataDir: data, names: ['plays_per_user', 'night_owl_users'], params: { min_plays: '2' } });
  assert.equal(summary.failed, 0);
  assert.deepEqual(tuples(rows['plays_per_user']!, ['user_id', 'plays']), [['u1', 2]]);
  assert.deepEqual(summary.outcomes.map((o) => o.report), ['night_owl_users', 'plays_per_user']);
});

test('run-level mistakes stop the run before anything runs, naming the flag', async () => {
  const usage = async (o: Parameters<typeof runReports>[0], re: RegExp) => assert.rejects(runReports(o), (e: unknown) => e instanceof UsageError && re.test(e.message));
  await usage({ dataDir: data, tz: 'Mars/Olympus_Mons' }, /^--tz: unknown time zone "Mars\/Olympus_Mons"/);
  await usage({ dataDir: data, from: '2025-02-30' }, /^--from: expected a date YYYY-MM-DD, got "2025-02-30"/);
  await usage({ dataDir: data, from: '2025-03-02', to: '2025-03-01' }, /^--from 2025-03-02 is after --to 2025-03-01/);
  await usage({ dataDir: data, names: ['no_such_report'] }, /^unknown report "no_such_report"/);
  await usage({ dataDir: data, group: 'seed-insights', params: { min_plays: '2' } }, /^--param min_plays: none of the selected reports has a parameter min_plays/);
  await usage({ dataDir: data, params: { tz: 'UTC' } }, /^--param tz: give it as --tz/);
});

test('earshot report run exits with 1 when a report failed and prints each failure', async () => {
  const lines: string[] = [];
  const log = console.log;
  const before = process.exitCode;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    process.exitCode = 0;
    await main(['node', 'earshot', 'report', 'run', 'night_owl_users', 'genre_loyalty_scores', '--data', data, '--param', 'threshold=-1']);
    assert.equal(process.exitCode, 1);
  } finally {
    console.log = log;
    process.exitCode = before;
  }
  const out = lines.join('\n');
  assert.match(out, /✓ night_owl_users +1 rows/);
  assert.match(out, /✗ genre_loyalty_scores +report genre_loyalty_scores: parameter threshold: must be at least 0, got -1/);
  assert.match(out, /1 report failed: genre_loyalty_scores/);
});

test('earshot report list shows user reports and what keeps a broken entry from running', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    await main(['node', 'earshot', 'report', 'list', '--data', data, '--group', 'mine']);
  } finally {
    console.log = log;
  }
  const out = lines.join('\n');
  assert.match(out, /^mine — reports of this data directory$/m);
  assert.match(out, /plays_per_user +plays per user \[user\]/);
  assert.match(out, /--param min_plays=<integer> \(default 1\): at least/);
  assert.match(out, /! cannot run: bad manifest entry: parameter x has type "colour"/);
  assert.doesNotMatch(out, /seed-insights/);
});

