// A file replayed as it arrived: a generated event stream with late rows (held back up to two hours),
// duplicates and malformed rows. The file source validates and de-duplicates exactly as an import does;
// rows later than the lateness are counted (counters and late_listens), and they are in the lake, since the
// import does not care about order. Also: the CLI end to end (stream, views dump).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateWorld, type GenerateSummary } from '../src/generate/index.js';
import { runImport } from '../src/import/run.js';
import type { ImportSummary } from '../src/import/summary.js';
import type { RunResult } from '../src/engine/runner.js';
import { readView } from '../src/store/views.js';
import { one, tempDir } from './helpers/lake.js';
import { streamFrom } from './helpers/stream.js';

let dir = '';
let world: GenerateSummary;
let imported: ImportSummary;
let res: RunResult;
let cleanup: () => Promise<void> = async () => undefined;

before(async () => {
  const t = await tempDir('earshot-file-');
  dir = t.dir;
  cleanup = t.cleanup;
  world = await generateWorld({ out: join(dir, 'world'), users: 60, tracks: 600, events: 15_000, days: 3, seed: 3, format: 'events', dirty: 0.02 });
  imported = await runImport({ inputs: [join(dir, 'world')], dataDir: join(dir, 'lake') });
  res = await streamFrom(join(dir, 'views'), { kind: 'file', paths: [join(dir, 'world')] });
});
after(() => cleanup());

test('the file source accepts, rejects and drops duplicates as the import does', () => {
  assert.ok(world.late > 0 && world.duplicates > 0 && world.malformed > 0);
  assert.equal(res.counters['accepted']! + res.counters['late']!, imported.totals.accepted - 600, 'every listen the import accepted (600 tracks aside)');
  assert.equal(res.counters['duplicates'], world.duplicates);
  assert.equal(res.counters['rejected'], imported.totals.rejected);
});

test('rows later than the lateness are counted in late_listens, and they are in the lake', async () => {
  const late = res.counters['late']!;
  assert.ok(late > 0 && late <= world.late, `${late} late of ${world.late} held back`);
  const rows = (await readView(join(dir, 'views'), 'late_listens')).rows;
  assert.equal(rows.reduce((s, r) => s + Number(r['late']), 0), late);
  assert.ok(rows.every((r) => Number(r['max_lateness_s']) > 10));
  assert.equal(Number(await one(join(dir, 'lake'), 'SELECT count(*) FROM listens')), 15_000, 'the lake has all of them');
});

test('earshot stream and earshot views dump from the command line', async () => {
  const data = join(dir, 'cli');
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/earshot-cli.ts', ...args], { encoding: 'utf8' });
  const s = cli(['stream', '--source', `file:${join(dir, 'world')}`, '--data', data, '--until-idle', '--json']);
  assert.equal(s.status, 0, s.stderr);
  assert.equal((JSON.parse(s.stdout) as RunResult).counters['accepted'], res.counters['accepted']);
  const d = cli(['views', 'dump', '--data', data, '--out', join(dir, 'dump')]);
  assert.equal(d.status, 0, d.stderr);
  for (const v of ['trending_tracks', 'action_counts', 'active_users', 'user_profiles', 'sessions', 'late_listens', 'counters']) assert.match(d.stdout, new RegExp(`${v}\\s+\\d+ rows`));
  const head = (await readFile(join(dir, 'dump', 'user_profiles.csv'), 'utf8')).split('\n')[0];
  assert.equal(head, 'user_id,plays,minutes,ms_played,skips,skip_rate,favourite_genre,top_genres,top_artists,top_moods,mood_tags,first_listen,last_listen');
  const again = cli(['stream', '--source', 'lake', '--data', data, '--until-idle']);
  assert.equal(again.status, 2, 'another source on the same views is refused');
  assert.match(again.stderr, /--fresh/);
  // A data directory that does not exist is named, and not created.
  const typo = join(dir, 'no-such-data');
  const lake = cli(['stream', '--source', 'lake', '--data', typo, '--until-idle']);
  assert.equal(lake.status, 2);
  assert.match(lake.stderr, /no data directory at .*no-such-data/);
  assert.equal(existsSync(typo), false);
  // A missing input file is named and fails the run; the files that exist still stream.
  const some = cli(['stream', '--source', `file:${join(dir, 'nope.csv')},${join(dir, 'world')}`, '--data', join(dir, 'cli-some'), '--until-idle', '--json']);
  assert.equal(some.status, 1);
  assert.match(some.stderr, /nope\.csv: no such file/);
  assert.equal((JSON.parse(some.stdout) as RunResult).counters['accepted'], res.counters['accepted']);
});
