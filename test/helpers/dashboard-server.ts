// A real `earshot serve` for the dashboard tests and benchmark: a generated world imported into a fresh
// data directory, an admin and a listener with tokens, the dashboard built by Vite, and the CLI started
// as a child process on a free port. close() stops it (SIGTERM: the server checkpoints and flushes).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { generateWorld } from '../../src/generate/index.js';
import { runImport } from '../../src/import/run.js';
import { queryLake } from '../../src/lake/query.js';
import { runReports } from '../../src/reports/runner.js';
import { addUser } from '../../src/serve/users.js';

export interface DashboardServer {
  readonly url: string;
  readonly dataDir: string;
  readonly admin: string;
  /** A listener with listens in the lake, their token, and another listener. */
  readonly user: { name: string; token: string };
  readonly other: string;
  readonly track: { key: string; artist: string };
  close(): Promise<void>;
}

export interface WorldSize {
  users: number;
  tracks: number;
  events: number;
  days: number;
}

export const SMALL_WORLD: WorldSize = { users: 12, tracks: 200, events: 6000, days: 14 };

/** Builds web/ into dist/web (where the server looks), about a second. */
export async function buildDashboard(): Promise<void> {
  await build({ configFile: join(process.cwd(), 'web', 'vite.config.ts'), logLevel: 'error' });
}

export async function startDashboardServer(o: { world?: WorldSize; reports?: string[]; dataDir?: string; log?: (s: string) => void } = {}): Promise<DashboardServer> {
  const w = o.world ?? SMALL_WORLD;
  const own = !o.dataDir;
  const dir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'earshot-dash-')));
  const dataDir = join(dir, 'data');
  await generateWorld({ out: join(dir, 'world'), ...w, seed: 7, format: 'events', dirty: 0.01 });
  await runImport({ inputs: [join(dir, 'world')], dataDir });
  await rm(join(dir, 'world'), { recursive: true, force: true });
  if (o.reports?.length) await runReports({ dataDir, names: o.reports });
  const top = (await queryLake(dataDir, `SELECT user_id, count(*) AS n FROM listens GROUP BY 1 ORDER BY n DESC, 1 LIMIT 2`)).rows;
  const tr = (await queryLake(dataDir, `SELECT track_key, artist_name FROM listens GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`)).rows[0]!;
  const admin = (await addUser(dataDir, 'admin', true)).token;
  const userName = String(top[0]!['user_id']);
  const user = { name: userName, token: (await addUser(dataDir, userName, false)).token };

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/earshot-cli.ts', 'serve', '--data', dataDir, '--port', '0', '--log-level', 'warn', '--flush-every', '5'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`earshot serve did not start in 60 s:\n${stderr}`)), 60_000);
    child.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString();
      o.log?.(b.toString().trimEnd());
      const m = /serving .* on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!.replace(/[()]$/, ''));
      }
    });
    child.stdout!.resume();
    child.on('exit', (code) => reject(new Error(`earshot serve exited with ${code}:\n${stderr}`)));
  });
  // Wait for the engine to replay the lake and follow the server's own listens.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const h = (await (await fetch(`${url}/healthz`)).json()) as { engine?: string };
    if (h.engine === 'live') break;
    if (Date.now() > deadline) throw new Error(`the engine did not go live in 60 s: ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    admin,
    user,
    other: String(top[1]!['user_id']),
    track: { key: String(tr['track_key']), artist: String(tr['artist_name']) },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      if (own) await rm(dir, { recursive: true, force: true });
    },
  };
}
