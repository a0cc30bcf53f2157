// Protection: per-token rate limits answer 429 with Retry-After and the X-RateLimit-* headers, one
// token's limit does not touch another's; /metrics speaks the Prometheus text format; /openapi.json
// describes the routes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, servedFixture } from './helpers/serve.js';

describe('protection and description', () => {
  const server = servedFixture({ config: { rateLimit: 5, rateWindowMs: 60_000 } });

  it('the 6th request in a minute is 429 with Retry-After; headers count down; other tokens are unaffected', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(server().url, 'GET', '/v1/me', { token: server().tokens.alice });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-ratelimit-limit'), '5');
      remaining.push(r.headers.get('x-ratelimit-remaining') ?? '');
    }
    assert.deepEqual(remaining, ['4', '3', '2', '1', '0']);
    const over = await call(server().url, 'GET', '/v1/me', { token: server().tokens.alice });
    assert.equal(over.status, 429);
    const retry = Number(over.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.match(String((over.json as { error: string }).error), /at most 5/);
    assert.equal((await call(server().url, 'GET', '/v1/me', { token: server().tokens.bob })).status, 200);
  });

  it('/metrics is Prometheus text with the engine counters and request latencies', async () => {
    const r = await call(server().url, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
    for (const name of ['earshot_events_in_total', 'earshot_events_accepted_total', 'earshot_events_rejected_total', 'earshot_events_late_total', 'earshot_engine_lag_listens', 'earshot_http_request_duration_seconds_bucket']) {
      assert.match(r.text, new RegExp(`^${name}`, 'm'), name);
    }
    assert.match(r.text, /earshot_http_requests_total\{route="\/v1\/me",status="429"\} 1/);
    const delay = (q: string) => Number(new RegExp(`^earshot_event_loop_delay_${q}_seconds (\\S+)$`, 'm').exec(r.text)?.[1]);
    const [p50, p99, max] = [delay('p50'), delay('p99'), delay('max')];
    assert.ok(Number.isFinite(p50) && p50 >= 0 && p50 <= p99 && p99 <= max && max < 60, `event-loop delay p50 ${p50}, p99 ${p99}, max ${max}`);
  });

  it('/openapi.json describes the ingest, ListenBrainz and read routes; /docs renders it', async () => {
    const r = await call(server().url, 'GET', '/openapi.json');
    const paths = Object.keys((r.json as { paths: Record<string, unknown> }).paths);
    for (const p of ['/1/submit-listens', '/v1/listens', '/1/user/{user}/listens', '/v1/users/{user}/recap', '/v1/live', '/metrics']) assert.ok(paths.includes(p), p);
    const docs = await fetch(`${server().url}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
  });
});
