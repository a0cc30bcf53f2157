// Test helpers for `earshot serve`: a server in this process on a free port with an admin and two users,
// and small fetch wrappers that send a token.
import { after, before } from 'node:test';
import { tempDir } from './lake.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/serve/server.js';
import { addUser } from '../../src/serve/users.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  /** name → token: admin (an admin), alice and bob (plain users). */
  readonly tokens: Record<'admin' | 'alice' | 'bob', string>;
  close(): Promise<void>;
}

export async function testServer(dataDir: string, extra: Partial<ServeOptions> = {}): Promise<TestServer> {
  const tokens = {
    admin: (await addUser(dataDir, 'admin', true)).token,
    alice: (await addUser(dataDir, 'alice', false)).token,
    bob: (await addUser(dataDir, 'bob', false)).token,
  };
  const server = await startServer({ dataDir, logger: false, emitEveryMs: 200, ...extra, config: { port: 0, rateLimit: 0, ...extra.config } });
  try {
    await server.live;
  } catch (err) {
    // The engine failed before it was live: stop the rest of the server, so the failure is reported, not a hang.
    await server.close().catch(() => undefined);
    throw err;
  }
  return { server, url: server.url, tokens, close: () => server.close() };
}

export async function call(
  base: string,
  method: string,
  path: string,
  o: { token?: string | null; body?: string | Uint8Array; type?: string } = {},
): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (o.token) headers['Authorization'] = `Token ${o.token}`;
  if (o.body !== undefined) headers['Content-Type'] = o.type ?? 'application/json';
  const res = await fetch(base + path, { method, headers, ...(o.body !== undefined ? { body: o.body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text, headers: res.headers };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or `ms` pass. */
export async function until(check: () => Promise<boolean>, ms = 5000, step = 50): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(step);
  }
  return check();
}

/**
 * Registers before/after hooks: a temp data directory (filled by `setup`, which returns the data
 * directory to serve, when given), a test server on it, and their cleanup. The getter gives the server.
 */
export function servedFixture(extra: Partial<ServeOptions> = {}, setup?: (dir: string) => Promise<string>): () => TestServer {
  let t: TestServer | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  before(async () => {
    const d = await tempDir();
    cleanup = d.cleanup;
    t = await testServer(setup ? await setup(d.dir) : d.dir, extra);
  });
  after(async () => {
    await t?.close();
    await cleanup?.();
  });
  return () => {
    if (!t) throw new Error('the test server is not started yet');
    return t;
  };
}
