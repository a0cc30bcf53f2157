// The server compacts the lake itself: each flush adds a file to the month, and once a month has eight,
// the flusher merges all but the largest into one. Every listen stays readable exactly once. A month a
// large import left in file order is sorted too, and /metrics shows months waiting and months compacted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { dataPaths } from '../src/lake/paths.js';
import { one, q, tempDir } from './helpers/lake.js';
import { writeFiles } from './helpers/reports.js';
import { startServer } from '../src/serve/server.js';
import { call, testServer, until } from './helpers/serve.js';

test('flushes add a file each; at eight the server merges all but the largest, and every listen is there once', async () => {
  const { dir, cleanup } = await tempDir();
  const s = await testServer(dir, { checkpointEveryMs: 100, config: { flushEveryMs: 150 } });
  try {
    const month = join(dataPaths(dir).table('listens'), 'month=2026-03');
    const files = () => readdirSync(month).filter((f) => f.endsWith('.parquet')).length;
    const inLake = async (): Promise<number> => {
      const r = await call(s.url, 'POST', '/v1/sql', { token: s.tokens.admin, body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM lake_listens' }) });
      assert.equal(r.status, 200, r.text);
      const row = (r.json as { rows: unknown[] }).rows[0] as Record<string, unknown> | unknown[];
      return Number(Array.isArray(row) ? row[0] : row['n']);
    };
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      const body = Array.from({ length: 5 }, (_, k) =>
        JSON.stringify({ user_id: 'alice', listened_at: new Date(Date.UTC(2026, 2, 1 + i, 8, k)).toISOString(), track_name: `T${k}`, artist_name: 'A', ms_played: 60000 }),
      ).join('\n');
      const r = await call(s.url, 'POST', '/v1/listens', { token: s.tokens.alice, body, type: 'application/x-ndjson' });
      assert.equal((r.json as { accepted: number }).accepted, 5);
      // Wait for this request's flush (and a merge it starts) to finish before the next one: one file per flush.
      // Counted through the server's SQL console: its readers are held while files are swapped, a reader in
      // another DuckDB (as queryLake would be) is not, and could list a file that is gone when it opens it.
      const landed = async () => (await inLake()) === 5 * (i + 1) && files() < 8;
      assert.ok(await until(landed, 10_000), `flush ${i + 1} did not land`);
      seen.push(files());
    }
    // Files after each flush: 1..7, then the eighth makes 8 and the merge leaves the largest plus one.
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 2, 3, 4]);
    const recap = await call(s.url, 'GET', '/v1/users/alice/recap?tz=UTC', { token: s.tokens.alice });
    assert.equal((recap.json as { plays: number }).plays, 50);
    await s.close();
    // Read from outside once the server is gone: each listen in the lake once.
    assert.equal(await one(dir, 'SELECT count(*) FROM listens'), 50);
    assert.equal(await one(dir, 'SELECT count(DISTINCT listen_id) FROM listens'), 50);
  } finally {
    await s.close();
    await cleanup();
  }
});

test('a month a large import left in file order is sorted by the server without any flush', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const inputs = await writeFiles(join(dir, 'in'), {
      'events.csv':
        'event_id,event_ts,user_id,song_id,artist_id,action,device,location,song_duration,session_id\n' +
        'e1,2026-04-09T10:00:00Z,zed,t1,a1,complete,,,200,\ne2,2026-04-02T10:00:00Z,amy,t2,a1,complete,,,200,\ne3,2026-04-05T10:00:00Z,bob,t1,a1,complete,,,200,\n',
    });
    const data = join(dir, 'data');
    await runImport({ inputs, dataDir: data, sortAtImport: 0 });
    const month = join(dataPaths(data).table('listens'), 'month=2026-04');
    const names = () => readdirSync(month).filter((f) => f.endsWith('.parquet'));
    assert.ok(names()[0]!.startsWith('unsorted-'));
    const metric = async (url: string, name: string): Promise<number> => {
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec((await call(url, 'GET', '/metrics')).text);
      assert.ok(m, `no ${name} in /metrics`);
      return Number(m[1]);
    };
    const s = await testServer(data, { checkpointEveryMs: 100, config: { flushEveryMs: 150 } });
    try {
      assert.ok(await until(async () => names().length === 1 && names()[0]!.startsWith('part-'), 15_000), `still ${names().join(', ')}`);
      assert.ok(await until(async () => (await metric(s.url, 'earshot_lake_compactions_total')) === 1, 5_000), 'one month compacted');
      assert.equal(await metric(s.url, 'earshot_lake_months_to_compact'), 0);
    } finally {
      await s.close();
    }
    assert.deepEqual((await q(data, 'SELECT user_id FROM listens')).map((r) => r['user_id']), ['amy', 'bob', 'zed']);

    // Another month left in file order, and a server whose flusher does not tick while it runs (it compacts
    // on a tick once the engine is live, and at close): /metrics shows the month waiting.
    await runImport({
      inputs: await writeFiles(join(dir, 'in2'), { 'events.csv': 'event_id,event_ts,user_id,song_id,artist_id,action,device,location,song_duration,session_id\ne4,2026-05-09T10:00:00Z,zed,t1,a1,complete,,,200,\ne5,2026-05-02T10:00:00Z,amy,t2,a1,complete,,,200,\n' }),
      dataDir: data,
      sortAtImport: 0,
    });
    const idle = await startServer({ dataDir: data, logger: false, emitEveryMs: 200, checkpointEveryMs: 100, config: { port: 0, rateLimit: 0, flushEveryMs: 600_000 } });
    try {
      await idle.live;
      assert.equal(await metric(idle.url, 'earshot_lake_months_to_compact'), 1);
      assert.equal(await metric(idle.url, 'earshot_lake_compactions_total'), 0);
    } finally {
      await idle.close();
    }
  } finally {
    await cleanup();
  }
});
