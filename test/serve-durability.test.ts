// Nothing acknowledged is lost: listens answered by POST /v1/listens and /1/submit-listens are in the lake
// and in the views after the server is killed with SIGKILL and started again, each counted once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { addUser } from '../src/serve/users.js';
import { one, tempDir } from './helpers/lake.js';
import { call, until } from './helpers/serve.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** `earshot serve` as a child process; resolves once it listens. */
async function serve(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/earshot-cli.ts', 'serve', '--data', dataDir, '--port', String(port), '--log-level', 'warn', '--flush-every', '3600'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('serving ')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`earshot serve exited (${code}): ${err}`)));
  });
  return child;
}

const killed = (c: ChildProcess, signal: NodeJS.Signals) => new Promise<void>((r) => {
  c.once('exit', () => r());
  c.kill(signal);
});

describe('durability', () => {
  it('acknowledged listens survive SIGKILL: in the lake and the views after a restart, counted once', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const token = (await addUser(dir, 'alice', true)).token;
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      let child = await serve(dir, port);
      // 300 listens in three bulk requests, 5 through ListenBrainz; the last ones are killed right after their answer.
      const at = (i: number) => new Date(Date.UTC(2026, 2, 1, 8) + i * 60_000).toISOString();
      let sent = 0;
      for (let b = 0; b < 3; b++) {
        const body = Array.from({ length: 100 }, (_, i) => JSON.stringify({ user_id: 'alice', listened_at: at(b * 100 + i), track_name: `Track ${(b * 100 + i) % 37}`, artist_name: `Artist ${i % 5}`, ms_played: 180000 })).join('\n');
        const r = await call(url, 'POST', '/v1/listens', { token, body, type: 'application/x-ndjson' });
        assert.equal(r.status, 200);
        assert.equal((r.json as { accepted: number }).accepted, 100);
        sent += 100;
      }
      // Let the engine see the first 300 and checkpoint is not guaranteed: the kill may come before or after.
      await until(async () => ((await call(url, 'GET', '/v1/users/alice/profile', { token })).json as { plays?: number } | null)?.plays === 300, 5000);
      for (let i = 0; i < 5; i++) {
        const lb = { listen_type: 'single', payload: [{ listened_at: Math.floor(Date.UTC(2026, 2, 2, 9, i) / 1000), track_metadata: { artist_name: 'LB Artist', track_name: `LB ${i}` } }] };
        const r = await call(url, 'POST', '/1/submit-listens', { token, body: JSON.stringify(lb) });
        assert.equal(r.status, 200);
        sent++;
      }
      await killed(child, 'SIGKILL');

      child = await serve(dir, port);
      const profile = await until(async () => ((await call(url, 'GET', '/v1/users/alice/profile', { token })).json as { plays?: number } | null)?.plays === sent, 15000);
      const got = (await call(url, 'GET', '/v1/users/alice/profile', { token })).json as { plays: number };
      assert.ok(profile, `the views count every acknowledged listen once after the restart: ${got.plays} of ${sent}`);
      const listens = (await call(url, 'GET', '/1/user/alice/listens?count=1000', { token })).json as { payload: { count: number } };
      assert.equal(listens.payload.count, sent);
      // A second kill, then a clean stop: the listens end up in the lake's Parquet, each once.
      await killed(child, 'SIGKILL');
      child = await serve(dir, port);
      await until(async () => ((await call(url, 'GET', '/v1/users/alice/profile', { token })).json as { plays?: number } | null)?.plays === sent, 15000);
      assert.equal(((await call(url, 'GET', '/v1/users/alice/profile', { token })).json as { plays: number }).plays, sent, 'a second restart counts nothing twice');
      await killed(child, 'SIGTERM');
      assert.equal(Number(await one(dir, `SELECT count(*) FROM listens WHERE user_id = 'alice'`)), sent);
      assert.equal(Number(await one(dir, `SELECT count(DISTINCT listen_id) FROM listens WHERE user_id = 'alice'`)), sent);
    } finally {
      await cleanup();
    }
  });
});
