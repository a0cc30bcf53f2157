// `earshot serve` on a port another program holds: startServer fails at once with EADDRINUSE (it used to
// wait forever for its engine, stopped before it watched for the stop), and leaves the data directory
// free, so the next start on a free port works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startServer } from '../src/serve/server.js';
import { tempDir } from './helpers/lake.js';

test('a taken port fails the start with EADDRINUSE, and the data directory can serve right after', { timeout: 60_000 }, async () => {
  const { dir, cleanup } = await tempDir();
  const blocker = createServer();
  await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', res));
  const taken = (blocker.address() as { port: number }).port;
  try {
    const failed = await Promise.race([
      startServer({ dataDir: dir, logger: false, config: { port: taken } }).then(
        async (s) => {
          await s.close();
          return 'started';
        },
        (err: unknown) => (err as { code?: string }).code ?? String(err),
      ),
      new Promise<string>((res) => setTimeout(() => res('still waiting after 20 s'), 20_000).unref()),
    ]);
    assert.equal(failed, 'EADDRINUSE');
    const s = await startServer({ dataDir: dir, logger: false, config: { port: 0 } });
    try {
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    } finally {
      await s.close();
    }
  } finally {
    blocker.close();
    await cleanup();
  }
});
