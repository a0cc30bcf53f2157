// Access control on every endpoint: no token and a wrong token are 401; another user's token is 403 on
// a user's data; a plain user's token is 403 on the global views; the owner and an admin get through.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, servedFixture, until } from './helpers/serve.js';

const listen = (user: string) => JSON.stringify({ user_id: user, listened_at: '2026-03-01T10:00:00Z', track_name: 'Song', artist_name: 'Band' });
const lbSingle = JSON.stringify({ listen_type: 'single', payload: [{ listened_at: 1770000000, track_metadata: { artist_name: 'Band', track_name: 'Song' } }] });

/** Endpoints that read one user's data (alice's). */
const ALICE: { method: string; path: string }[] = [
  { method: 'GET', path: '/v1/users/alice/profile' },
  { method: 'GET', path: '/v1/users/alice/recap' },
  { method: 'GET', path: '/v1/users/alice/recommendations' },
  { method: 'GET', path: '/1/user/alice/listens' },
  { method: 'GET', path: '/1/user/alice/playing-now' },
  { method: 'GET', path: '/1/stats/user/alice/artists' },
  { method: 'GET', path: '/1/stats/user/alice/recordings' },
  { method: 'GET', path: '/1/stats/user/alice/releases' },
  { method: 'GET', path: '/1/stats/user/alice/listening-activity' },
  { method: 'GET', path: '/1/stats/user/alice/daily-activity' },
];
/** Endpoints only an admin reads (every user's data, the global views). */
const ADMIN: { method: string; path: string }[] = [
  { method: 'GET', path: '/v1/live/state' },
  { method: 'GET', path: '/v1/users' },
  { method: 'GET', path: '/v1/reports/top_songs' },
];
/** Endpoints any signed-in user may call. */
const ANY: { method: string; path: string; body?: string }[] = [
  { method: 'GET', path: '/v1/me' },
  { method: 'GET', path: '/v1/reports' },
  { method: 'POST', path: '/v1/listens', body: listen('alice') },
  { method: 'POST', path: '/1/submit-listens', body: lbSingle },
];

describe('access control', () => {
  const server = servedFixture();
  before(async () => {
    // Alice has a listen in the lake and the live views, so her pages have something to refuse.
    const r = await call(server().url, 'POST', '/v1/listens', { token: server().tokens.alice, body: listen('alice') });
    assert.equal(r.status, 200);
    assert.ok(await until(async () => (await call(server().url, 'GET', '/v1/users/alice/profile', { token: server().tokens.alice })).status === 200), "alice's profile appears");
  });

  for (const e of [...ALICE, ...ADMIN, ...ANY]) {
    it(`${e.method} ${e.path}: no token 401, wrong token 401`, async () => {
      const body = 'body' in e ? (e.body as string | undefined) : undefined;
      const none = await call(server().url, e.method, e.path, body === undefined ? {} : { body });
      assert.equal(none.status, 401, none.text);
      assert.match(String((none.json as { error: string }).error), /Authorization/);
      const wrong = await call(server().url, e.method, e.path, { token: 'wrong-token', ...(body === undefined ? {} : { body }) });
      assert.equal(wrong.status, 401, wrong.text);
    });
  }
  for (const e of ALICE) {
    it(`${e.method} ${e.path}: bob's token 403, alice's and the admin's pass`, async () => {
      const bob = await call(server().url, e.method, e.path, { token: server().tokens.bob });
      assert.equal(bob.status, 403, bob.text);
      for (const who of ['alice', 'admin'] as const) {
        const r = await call(server().url, e.method, e.path, { token: server().tokens[who] });
        assert.ok([200, 204].includes(r.status), `${who}: ${r.status} ${r.text}`);
      }
    });
  }
  for (const e of ADMIN) {
    it(`${e.method} ${e.path}: a plain user's token 403, the admin's passes`, async () => {
      assert.equal((await call(server().url, e.method, e.path, { token: server().tokens.alice })).status, 403);
      const r = await call(server().url, e.method, e.path, { token: server().tokens.admin });
      assert.ok([200, 204].includes(r.status), `${r.status} ${r.text}`);
    });
  }
  it("a user cannot write another user's listens; an admin can", async () => {
    const r = await call(server().url, 'POST', '/v1/listens', { token: server().tokens.bob, body: listen('alice') });
    assert.equal(r.status, 200);
    assert.deepEqual([(r.json as { accepted: number }).accepted, (r.json as { rejected: number }).rejected], [0, 1]);
    assert.equal((await call(server().url, 'POST', '/v1/listens?user=alice', { token: server().tokens.bob, body: listen('alice') })).status, 403);
    const a = await call(server().url, 'POST', '/v1/listens', { token: server().tokens.admin, body: JSON.stringify({ user_id: 'carol', listened_at: '2026-03-01T11:00:00Z', track_name: 'X', artist_name: 'Y' }) });
    assert.equal((a.json as { accepted: number }).accepted, 1);
  });
  it('the SSE stream refuses a plain user and serves an admin (token in the query, as EventSource sends it)', async () => {
    assert.equal((await fetch(`${server().url}/v1/live?token=${server().tokens.alice}`)).status, 403);
    const ac = new AbortController();
    const res = await fetch(`${server().url}/v1/live?token=${server().tokens.admin}`, { signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^event: state\ndata: \{"counters"/);
    ac.abort();
  });
  it('a token rotated from the command line stops working, the new one works', async () => {
    const { rotateToken } = await import('../src/serve/users.js');
    const old = server().tokens.bob;
    // Verified once before the rotation (the directory keeps tokens it has verified until the file changes).
    assert.equal((await call(server().url, 'GET', '/v1/me', { token: old })).status, 200);
    const fresh = await rotateToken(server().server.ctx.dataDir, 'bob');
    await new Promise((r) => setTimeout(r, 1100)); // the directory rereads the file at most once a second
    assert.equal((await call(server().url, 'GET', '/v1/me', { token: old })).status, 401);
    assert.deepEqual((await call(server().url, 'GET', '/v1/me', { token: fresh })).json, { name: 'bob', admin: false });
  });
});
