// The demo's last step: `earshot serve` on the demo's data, an admin token to sign in with, and a slow
// trickle of new listens (users and tracks of the generated world, played now) so the live views and
// the dashboard move. Runs until Ctrl-C.
import { queryLake } from '../lake/query.js';
import { startServer, type RunningServer } from '../serve/server.js';
import { addUser, readUsers, rotateToken } from '../serve/users.js';
import { shellArg } from '../util/shell.js';

export interface DemoServeOptions {
  readonly data: string;
  readonly port: number;
  /** Stop after this many seconds (0: run until Ctrl-C). */
  readonly seconds: number;
  readonly log: (s: string) => void;
}

async function listen(o: DemoServeOptions): Promise<RunningServer> {
  try {
    return await startServer({ dataDir: o.data, config: { port: o.port, logLevel: 'warn' } });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    o.log(`  port ${o.port} is taken; using a free one`);
    return startServer({ dataDir: o.data, config: { port: 0, logLevel: 'warn' } });
  }
}

export async function demoServe(o: DemoServeOptions): Promise<void> {
  const token = readUsers(o.data).some((u) => u.name === 'admin') ? await rotateToken(o.data, 'admin') : (await addUser(o.data, 'admin', true)).token;
  // Listeners and tracks to replay as new listens: a sample of the world's own.
  const sample = (
    await queryLake(o.data, `SELECT user_id, track_name, artist_name, album_name, song_id, platform, country FROM listens WHERE track_name IS NOT NULL USING SAMPLE 2000 ROWS`)
  ).rows;
  const server = await listen(o);
  o.log(`  dashboard and API: ${server.url}/   (API reference: ${server.url}/docs)`);
  o.log(`  admin token:       ${token}`);
  o.log(`  try: curl -H "Authorization: Token ${token}" ${server.url}/v1/live/state`);
  o.log(`  a trickle of new listens is flowing (1-4 a second); Ctrl-C stops (the engine checkpoints first)`);
  let sent = 0;
  const timer = setInterval(() => {
    if (sample.length === 0) return;
    const n = 1 + Math.floor(Math.random() * 4);
    const now = Date.now();
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ ...sample[Math.floor(Math.random() * sample.length)], listened_at: new Date(now - i * 137).toISOString(), action: Math.random() < 0.2 ? 'skip' : 'complete' }));
    void fetch(`${server.url}/v1/listens`, { method: 'POST', headers: { Authorization: `Token ${token}`, 'Content-Type': 'application/x-ndjson' }, body: lines.join('\n') })
      .then((r) => {
        if (r.ok) sent += n;
      })
      .catch(() => undefined);
  }, 1000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (o.seconds > 0) setTimeout(resolve, o.seconds * 1000);
  });
  clearInterval(timer);
  o.log(`\n  stopping: ${sent} trickled listens sent; checkpointing and moving acknowledged listens into the lake…`);
  await server.close();
  o.log(`  done. Serve again with: earshot serve --data ${shellArg(o.data)}`);
}
