// The report store (DATA/store.duckdb + DATA/store/g<N>/<report>.parquet): every run is a new
// generation, published in one transaction;
// readers get a report from the latest generation that computed it; an unpublished (crashed) generation
// is never seen and is cleaned up by the next run; only the last `keep` generations of a report stay.
// Also the files of --out: exactly one per report, with a header, in the chosen format.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { runReports } from '../src/reports/runner.js';
import { openStore, storePath } from '../src/store/index.js';
import { openDb } from '../src/util/db.js';
import { tempDir } from './helpers/lake.js';
import { writeFiles } from './helpers/reports.js';

const LOGS = `user_id,song_id,timestamp,duration_sec
u1,s1,2025-03-20 01:00:00,100
u2,s2,2025-03-21 02:00:00,50
u2,s1,2025-03-22 12:00:00,70
`;
const SONGS = 'song_id,title,artist,genre,mood\ns1,One,A1,Pop,Happy\ns2,Two,A2,Rock,Sad\n';

let root = '';
let data = '';
let cleanup: () => Promise<void> = async () => undefined;
before(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  root = t.dir;
  data = join(root, 'data');
  await runImport({ inputs: await writeFiles(join(root, 'in'), { 'listening_logs.csv': LOGS, 'songs_metadata.csv': SONGS }), dataDir: data });
});
after(() => cleanup());

/** Table names in the store file (read-only). */
async function storeTables(): Promise<string[]> {
  const db = await openDb();
  try {
    await db.conn.run(`ATTACH '${storePath(data)}' AS s (READ_ONLY)`);
    const r = await db.conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = 's' ORDER BY 1`);
    return r.getRows().map((x) => String(x[0]));
  } finally {
    db.close();
  }
}

/** The folder of a generation's files. */
const genDir = (g: number): string => join(data, 'store', `g${String(g).padStart(6, '0')}`);

test('a report nobody ran has not been computed yet', async () => {
  const fresh = await openStore(join(root, 'nothing-here'), { readOnly: true });
  assert.equal(await fresh.read('night_owl_users'), null);
  assert.deepEqual(await fresh.list(), []);
  await fresh.close();
});

test('generations: the latest run is current, older kept ones stay readable, beyond keep they are dropped', async () => {
  const g1 = await runReports({ dataDir: data, names: ['night_owl_users'], keep: 2 });
  const g2 = await runReports({ dataDir: data, names: ['night_owl_users'], tz: 'Asia/Tokyo', keep: 2 });
  const g3 = await runReports({ dataDir: data, names: ['night_owl_users', 'user_favorite_genres'], tz: 'America/New_York', keep: 2 });
  assert.deepEqual([g2.generation - g1.generation, g3.generation - g2.generation], [1, 1]);
  const store = await openStore(data, { readOnly: true });
  try {
    const now = await store.read('night_owl_users');
    assert.equal(now!.generation, g3.generation);
    // New York (UTC-4): 01:00 UTC is 21:00, 02:00 is 22:00, 12:00 is 08:00: nobody at night.
    assert.deepEqual(now!.data, []);
    assert.equal(now!.params['tz'], 'America/New_York');
    // Tokyo (UTC+9): 01:00 → 10:00, 02:00 → 11:00, 12:00 → 21:00: nobody either; UTC had u1 and u2.
    const tokyo = await store.read('night_owl_users', { generation: g2.generation });
    assert.deepEqual([tokyo!.params['tz'], tokyo!.data], ['Asia/Tokyo', []]);
    assert.equal(await store.read('night_owl_users', { generation: g1.generation }), null, 'generation 1 is beyond keep=2');
    assert.deepEqual((await store.list()).map((r) => [r.report, r.generation]), [['night_owl_users', g3.generation], ['user_favorite_genres', g3.generation]]);
  } finally {
    await store.close();
  }
  assert.ok(!existsSync(genDir(g1.generation)), 'the dropped generation left no files');
  assert.deepEqual(readdirSync(genDir(g3.generation)).sort(), ['night_owl_users.parquet', 'user_favorite_genres.parquet']);
  assert.deepEqual(await storeTables(), ['report_current', 'report_generations', 'report_tables']);
});

test('a report that fails in a later run stays readable from the generation that computed it', async () => {
  const good = await runReports({ dataDir: data, names: ['genre_loyalty_scores'], params: { threshold: '0.4' } });
  const bad = await runReports({ dataDir: data, names: ['genre_loyalty_scores'], params: { threshold: 'x' } });
  assert.equal(bad.failed, 1);
  const store = await openStore(data, { readOnly: true });
  try {
    const r = await store.read('genre_loyalty_scores');
    assert.equal(r!.generation, good.generation);
    // u1: Pop 1/1 = 1; u2: Pop 1 = Rock 1 → Pop, 1/2 = 0.5; both above 0.4.
    assert.deepEqual(r!.data, [{ user_id: 'u1', genre: 'Pop', loyalty_score: 1 }, { user_id: 'u2', genre: 'Pop', loyalty_score: 0.5 }]);
  } finally {
    await store.close();
  }
});

test('an unpublished generation is invisible to readers and cleaned up by the next run', async () => {
  const before = await runReports({ dataDir: data, names: ['avg_listen_time_per_song'] });
  // A run that dies after writing its report but before publishing (its process is gone: a pid no one has).
  const db = await openDb();
  const store = await openStore(data, { conn: db.conn, owner: `${hostname()}:999999` });
  const writer = await store.begin({ note: 'crashes' });
  await writer.put('avg_listen_time_per_song', { sql: `SELECT 'half' AS song_id, 0.0 AS avg_duration`, bind: () => undefined }, {});
  await store.close();
  db.close();
  assert.ok(existsSync(join(genDir(writer.generation), 'avg_listen_time_per_song.parquet')));

  const reader = await openStore(data, { readOnly: true });
  const seen = await reader.read('avg_listen_time_per_song');
  assert.equal(seen!.generation, before.generation);
  assert.deepEqual(seen!.data, [{ song_id: 's1', avg_duration: 85 }, { song_id: 's2', avg_duration: 50 }]); // (100 + 70) / 2, 50
  assert.ok(!(await reader.generations()).some((g) => g.generation === writer.generation && g.status === 'published'));
  await reader.close();

  await runReports({ dataDir: data, names: ['night_owl_users'] });
  assert.ok(!existsSync(genDir(writer.generation)), 'the next run deleted what the dead run wrote');
});

test('a generation still being written by a live process is left alone by other runs', async () => {
  const db = await openDb();
  const store = await openStore(data, { conn: db.conn });
  const writer = await store.begin({ note: 'still running' });
  await writer.put('night_owl_users', { sql: `SELECT 'busy' AS user_id, 0 AS night_plays`, bind: () => undefined }, {});
  const other = await runReports({ dataDir: data, names: ['night_owl_users'] });
  assert.ok(existsSync(join(genDir(writer.generation), 'night_owl_users.parquet')), 'this process is alive: its generation stays');
  const reader = await openStore(data, { readOnly: true });
  assert.equal((await reader.read('night_owl_users'))!.generation, other.generation);
  await reader.close();
  await writer.abort();
  assert.ok(!existsSync(genDir(writer.generation)));
  await store.close();
  db.close();
});

test('--out writes exactly one file per report with a header, in csv, parquet or json', async () => {
  const out = join(root, 'out');
  const csv = await runReports({ dataDir: data, names: ['night_owl_users', 'genre_loyalty_scores'], out });
  assert.equal(csv.failed, 0);
  assert.deepEqual(readdirSync(join(out, 'night_owl_users')), ['night_owl_users.csv']);
  assert.equal(readFileSync(join(out, 'night_owl_users', 'night_owl_users.csv'), 'utf8'), 'user_id,night_plays\nu1,1\nu2,1\n');
  // Nobody is above a threshold of 1: the file holds the header only.
  const empty = await runReports({ dataDir: data, names: ['genre_loyalty_scores'], params: { threshold: '1' }, out });
  assert.equal(empty.outcomes[0]!.rows, 0);
  assert.equal(readFileSync(join(out, 'genre_loyalty_scores', 'genre_loyalty_scores.csv'), 'utf8'), 'user_id,genre,loyalty_score\n');

  await runReports({ dataDir: data, names: ['night_owl_users'], out, format: 'parquet' });
  assert.deepEqual(readdirSync(join(out, 'night_owl_users')), ['night_owl_users.parquet'], 'the csv of the earlier run is replaced');
  const db = await openDb();
  try {
    const r = await db.conn.runAndReadAll(`SELECT * FROM read_parquet('${join(out, 'night_owl_users', 'night_owl_users.parquet')}') ORDER BY user_id`);
    assert.deepEqual(r.columnNames(), ['user_id', 'night_plays']);
    assert.equal(r.getRows().length, 2);
  } finally {
    db.close();
  }
  await runReports({ dataDir: data, names: ['night_owl_users'], out, format: 'json' });
  assert.deepEqual(readdirSync(join(out, 'night_owl_users')), ['night_owl_users.json']);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'night_owl_users', 'night_owl_users.json'), 'utf8')), [{ user_id: 'u1', night_plays: 1 }, { user_id: 'u2', night_plays: 1 }]);
});

test('a text file says what the query said, in its order: whole-number sums stay whole, times and decimals as DuckDB prints them', async () => {
  // Two reports of the data directory's own: one returns sum() of integers (HUGEINT, which Parquet gives
  // back as DOUBLE), one only types Parquet gives back as themselves; both in descending user order.
  const own = join(root, 'own-reports');
  await writeFiles(join(own, 'reports'), {
    'manifest.json': JSON.stringify({
      group: 'mine',
      description: 'this test',
      reports: [
        { name: 'ms_per_user', description: 'ms played per user', columns: [] },
        { name: 'last_per_user', description: 'last listen and mean seconds per user', columns: [] },
      ],
    }),
    'ms_per_user.sql': 'SELECT user_id, sum(ms_played) AS ms, count(*) AS plays FROM range_listens GROUP BY user_id ORDER BY user_id DESC',
    'last_per_user.sql': 'SELECT user_id, max(listened_at) AS last_at, avg(ms_played) / 1000 AS mean_seconds FROM range_listens GROUP BY user_id ORDER BY user_id DESC',
  });
  await runImport({ inputs: [join(root, 'in', 'listening_logs.csv'), join(root, 'in', 'songs_metadata.csv')], dataDir: own });
  const out = join(root, 'out-own');
  const run = await runReports({ dataDir: own, group: 'mine', out });
  assert.equal(run.failed, 0);
  // From LOGS: u2 played 50 s + 70 s, last on 2025-03-22 12:00; u1 100 s on 2025-03-20 01:00.
  assert.equal(readFileSync(join(out, 'ms_per_user', 'ms_per_user.csv'), 'utf8'), 'user_id,ms,plays\nu2,120000,2\nu1,100000,1\n');
  assert.equal(
    readFileSync(join(out, 'last_per_user', 'last_per_user.csv'), 'utf8'),
    'user_id,last_at,mean_seconds\nu2,2025-03-22 12:00:00+00,60.0\nu1,2025-03-20 01:00:00+00,100.0\n',
  );
  await runReports({ dataDir: own, names: ['ms_per_user'], out, format: 'json' });
  assert.equal(readFileSync(join(out, 'ms_per_user', 'ms_per_user.json'), 'utf8').replace(/\s+/g, ''), '[{"user_id":"u2","ms":120000,"plays":2},{"user_id":"u1","ms":100000,"plays":1}]');
});
