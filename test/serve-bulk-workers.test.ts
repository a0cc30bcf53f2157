// Large POST /v1/listens bodies are read on parse workers (src/serve/ingest/parse-pool.ts): what they
// accept, reject and answer is what the event loop would, they are readable back at once, and a listen
// acknowledged a moment before is a duplicate for a body that goes through SQL.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, servedFixture } from './helpers/serve.js';

/** An NDJSON body of `n` listens of alice from `from` (minutes), large enough for a worker when n ≥ 600. */
function body(n: number, from = 0, extra: (i: number) => Record<string, unknown> = () => ({})): string {
  return (
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({ user_id: 'alice', listened_at: new Date(Date.UTC(2026, 4, 1) + (from + i) * 60_000).toISOString(), track_name: `Track ${i % 41}`, artist_name: `Artist ${i % 7}`, ms_played: 1000 * (i + 1), ...extra(i) }),
    ).join('\n') + '\n'
  );
}

describe('bulk bodies on parse workers', () => {
  const server = servedFixture();
  const post = (text: string | Uint8Array, token = server().tokens.admin) => call(server().url, 'POST', '/v1/listens', { token, body: text, type: 'application/x-ndjson' });
  const listens = async (count: number) => ((await call(server().url, 'GET', `/1/user/alice/listens?count=${count}`, { token: server().tokens.alice })).json as { payload: { count: number; listens: { listened_at: number; track_metadata: { track_name: string } }[] } }).payload;

  it('takes a large clean body on a worker, and its listens are readable at once', async () => {
    assert.ok(server().server.ctx.parse, 'the server runs parse workers');
    const text = body(800);
    assert.ok(Buffer.byteLength(text) > 64 * 1024, 'large enough to go to a worker');
    const r = await post(text);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { accepted: 800, duplicates: 0, rejected: 0, rejects: [] });
    // Readable right after the answer (the read waits for the log's records to reach `pending`).
    const got = await listens(1000);
    assert.equal(got.count, 800);
    assert.equal(got.listens[0]!.track_metadata.track_name, `Track ${799 % 41}`, 'newest first');
    // The same body again: every listen a duplicate.
    assert.deepEqual((await post(text)).json, { accepted: 0, duplicates: 800, rejected: 0, rejects: [] });
  });

  it('rejects on a worker what the event loop rejects: invalid UTF-8, an unknown shape, bad records by line', async () => {
    const bad = Buffer.concat([Buffer.from(body(700, 10_000)), Buffer.from([0xff, 0xfe, 0x0a])]);
    const r1 = await post(bad);
    assert.equal(r1.status, 400);
    assert.match(String((r1.json as { error: string }).error), /not valid UTF-8/);
    const r2 = await post(Array.from({ length: 2000 }, (_, i) => `just some text, line ${i}`).join('\n'));
    assert.equal(r2.status, 400);
    assert.match(String((r2.json as { error: string }).error), /not a listen shape/);
    // A body with one bad action goes through SQL, which names the line; the rest is accepted.
    const r3 = await post(body(700, 20_000, (i) => (i === 123 ? { action: 'like' } : {})));
    assert.equal(r3.status, 200, r3.text);
    const j = r3.json as { accepted: number; rejected: number; rejects: { line: number; field: string }[] };
    assert.deepEqual([j.accepted, j.rejected], [699, 1]);
    assert.deepEqual(j.rejects.map((x) => [x.line, x.field]), [[124, 'action']]);
  });

  it('a body staged in SQL right after a fast one finds the listens that one acknowledged', async () => {
    // Fast path (a worker), then at once a body the fast path declines (a padded name sends it to SQL)
    // holding 10 of the same listens: they are duplicates, though the log's records may still be on their
    // way into `pending`.
    const fast = body(600, 30_000);
    const slowLines = fast.trim().split('\n').slice(0, 10);
    slowLines.push(JSON.stringify({ user_id: 'alice', listened_at: '2026-06-30T00:00:00Z', track_name: ' Padded', artist_name: 'A' }));
    const [a, b] = [await post(fast), await post(slowLines.join('\n') + '\n')];
    assert.deepEqual(a.json, { accepted: 600, duplicates: 0, rejected: 0, rejects: [] });
    assert.deepEqual(b.json, { accepted: 1, duplicates: 10, rejected: 0, rejects: [] });
  });

  it('a user token on a worker writes only its own listens', async () => {
    const r = await post(body(700, 40_000, (i) => (i === 5 ? { user_id: 'bob' } : {})), server().tokens.alice);
    assert.equal(r.status, 200, r.text);
    const j = r.json as { accepted: number; rejected: number; rejects: { line: number; field: string }[] };
    assert.deepEqual([j.accepted, j.rejected], [699, 1]);
    assert.deepEqual(j.rejects.map((x) => [x.line, x.field]), [[6, 'user_id']]);
  });
});
