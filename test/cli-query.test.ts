// `earshot query` and `earshot tables` as a user runs them: CSV straight from DuckDB, JSON and
// table rendering, and an SQL error that names the problem with a hint and exits non-zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { tempDir } from './helpers/lake.js';

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import('./src/cli/main.ts').then((m) => m.main(['node', 'earshot', ...${JSON.stringify(args)}]))`], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('query prints CSV, JSON and tables; tables lists row counts; a bad query explains itself', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'listening_logs.csv');
    await writeFile(f, 'user_id,song_id,timestamp,duration_sec\nu1,s1,2025-03-20 10:00:00,30\nu1,s2,2025-03-20 11:00:00,60\nu2,s1,2025-03-21 10:00:00,90\n');
    const data = join(dir, 'data');
    await runImport({ inputs: [f], dataDir: data });
    const sql = 'SELECT user_id, count(*) AS plays, sum(ms_played) AS ms FROM listens GROUP BY 1 ORDER BY 1';
    const csv = cli(['query', sql, '--data', data, '--format', 'csv']);
    assert.equal(csv.status, 0, csv.stderr);
    assert.equal(csv.stdout, 'user_id,plays,ms\nu1,2,90000\nu2,1,90000\n');
    const json = cli(['query', sql, '--data', data, '--format', 'json']);
    assert.deepEqual(JSON.parse(json.stdout), [
      { user_id: 'u1', plays: 2, ms: 90000 },
      { user_id: 'u2', plays: 1, ms: 90000 },
    ]);
    const table = cli(['query', sql, '--data', data]);
    assert.match(table.stdout, /^user_id\s+plays\s+ms\n/);
    assert.match(table.stdout, /u1\s+2\s+90000/);
    const tables = cli(['tables', '--data', data, '--json']);
    const listens = (JSON.parse(tables.stdout) as { table: string; rows: number }[]).find((t) => t.table === 'listens');
    assert.equal(listens?.rows, 3);
    const bad = cli(['query', 'SELECT nope FROM listens', '--data', data, '--format', 'csv']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /nope/);
    assert.match(bad.stderr, /hint: tables: listens/);
    assert.equal(bad.stdout, '');
  } finally {
    await cleanup();
  }
});
