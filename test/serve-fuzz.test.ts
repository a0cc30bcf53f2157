// Fuzzed bodies never make a 500 or kill the server: random JSON, wrong types, huge strings, deep
// nesting, invalid UTF-8 and binary noise, sent to both ingest endpoints (several hundred requests),
// then the server still answers and still takes a good listen; and odd query strings and path parameters
// on every GET route of the OpenAPI description, over a lake that has listens.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { call, servedFixture } from './helpers/serve.js';
import { importTinyEvents } from './helpers/tiny-events.js';

const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);

/** Hand-made nasty bodies. */
function nasty(): (string | Uint8Array)[] {
  const huge = 'x'.repeat(2_000_000);
  return [
    '',
    ' ',
    'null',
    'true',
    '0',
    '"text"',
    '[]',
    '{}',
    '[null]',
    '{"listen_type":"single"}',
    '{"listen_type":"single","payload":{}}',
    '{"listen_type":"single","payload":[1]}',
    '{"listen_type":7,"payload":[]}',
    '{"listen_type":"import","payload":[{"listened_at":"yesterday","track_metadata":{"artist_name":"a","track_name":"b"}}]}',
    '{"listen_type":"import","payload":[{"listened_at":1.5e9,"track_metadata":{"artist_name":["a"],"track_name":{"b":1}}}]}',
    '{"listen_type":"import","payload":[{"listened_at":1500000000,"track_metadata":{"artist_name":"a","track_name":"b","additional_info":{"tags":[1,2]}}}]}',
    `{"listen_type":"single","payload":[{"listened_at":1500000000,"track_metadata":{"artist_name":"${huge}","track_name":"b"}}]}`,
    `{"user_id":"alice","listened_at":"2026-01-01T00:00:00Z","track_name":"${huge}","artist_name":"x"}`,
    deep(5000, '[', ']'),
    deep(5000, '{"a":', '}'),
    `{"listen_type":"single","payload":[{"listened_at":1500000000,"track_metadata":{"artist_name":"a","track_name":"b","additional_info":${deep(3000, '{"a":', '}')}}}]}`,
    `{"user_id":"alice","listened_at":"2026-01-01T00:00:00Z","track_name":"t","artist_name":"a","extra":${deep(3000, '[', ']')}}`,
    new Uint8Array([0xff, 0xfe, 0xfd, 0x00, 0x80]),
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    Buffer.from('{"user_id":"alice","listened_at":"2026-01-01T00:00:00Z","track_name":"caf\u00e9","artist_name":"a"}\n{"broken": \n[1,2\n'),
    '{"user_id":"alice","listened_at":"2026-01-01T00:00:00Z","track_name":"t","artist_name":"a"}\n'.repeat(3) + '\u0000\u0001\u0002',
    '[{"user_id":"alice"},{"listened_at":99999999999999999999},{"track_name":null}]',
    '[' + '{"user_id":"alice","listened_at":"2026-01-01T00:00:00Z","track_name":"t","artist_name":"a"},'.repeat(50) + ']',
    'user_id,listened_at,track_name\nalice,2026-01-01T00:00:00Z,t\n',
    '{"ts":"2024-01-01T00:00:00Z","ms_played":"lots","master_metadata_track_name":5}',
    '{"endTime":[],"artistName":{},"trackName":1,"msPlayed":"x"}',
    NaN.toString(),
    '{"a":NaN}',
    '\ufeff{"user_id":"alice","listened_at":"2026-01-01T00:00:00Z","track_name":"t","artist_name":"a"}',
  ];
}

describe('fuzzed bodies', () => {
  const server = servedFixture({ config: { bulkLimit: 4 * 1024 * 1024 } });

  const send = async (path: string, body: string | Uint8Array, type = 'application/json') => {
    const r = await call(server().url, 'POST', path, { token: server().tokens.alice, body, type });
    assert.ok(r.status < 500, `${path} answered ${r.status} to ${String(typeof body === 'string' ? body.slice(0, 120) : `[${body.length} bytes]`)}: ${r.text.slice(0, 300)}`);
    assert.ok(!/at \S+ \(.*:\d+:\d+\)/.test(r.text), 'no stack trace in the answer');
    return r;
  };

  it('hand-made bodies: no 500, no stack trace', async () => {
    for (const body of nasty()) {
      await send('/v1/listens', body);
      await send('/1/submit-listens', body);
      await send('/v1/listens', body, 'application/x-ndjson');
    }
  });

  it('random JSON values and random listen-shaped records: no 500 (300 requests)', async () => {
    const listenish = fc.record(
      {
        user_id: fc.oneof(fc.constant('alice'), fc.string(), fc.integer(), fc.constant(null)),
        listened_at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.integer(), fc.double(), fc.string(), fc.constant(null)),
        track_name: fc.oneof(fc.string(), fc.integer(), fc.array(fc.string()), fc.constant(null)),
        artist_name: fc.oneof(fc.string(), fc.boolean(), fc.constant(null)),
        ms_played: fc.oneof(fc.integer(), fc.string(), fc.double()),
      },
      { requiredKeys: [] },
    );
    const lbish = fc.record({
      listen_type: fc.oneof(fc.constantFrom('single', 'import', 'playing_now'), fc.string()),
      payload: fc.array(fc.record({ listened_at: fc.oneof(fc.integer(), fc.string()), track_metadata: fc.oneof(fc.record({ artist_name: fc.string(), track_name: fc.string() }), fc.jsonValue()) }, { requiredKeys: [] }), { maxLength: 5 }),
    }, { requiredKeys: [] });
    const samples: string[] = [
      ...fc.sample(fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? 'null'), { numRuns: 100, seed: 7 }),
      ...fc.sample(fc.array(listenish, { minLength: 1, maxLength: 8 }).map((rs) => rs.map((r) => JSON.stringify(r)).join('\n')), { numRuns: 100, seed: 8 }),
      ...fc.sample(lbish.map((v) => JSON.stringify(v)), { numRuns: 100, seed: 9 }),
    ];
    let n = 0;
    for (const [i, s] of samples.entries()) {
      await send(i % 3 === 2 ? '/1/submit-listens' : '/v1/listens', s, i % 2 ? 'application/x-ndjson' : 'application/json');
      n++;
    }
    assert.equal(n, 300);
  });

  it('large bodies, read on the parse workers: no 500, no stack trace, the worker survives', async () => {
    const line = '{"user_id":"alice","listened_at":"2026-01-01T00:00:00Z","track_name":"t","artist_name":"a"}\n';
    const noise = new Uint8Array(200_000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const listenish = fc.sample(
      fc.record({ user_id: fc.oneof(fc.constant('alice'), fc.string()), listened_at: fc.oneof(fc.integer(), fc.string(), fc.double()), track_name: fc.oneof(fc.string(), fc.integer()), artist_name: fc.string() }, { requiredKeys: [] }),
      { numRuns: 2000, seed: 10 },
    ).map((r) => JSON.stringify(r));
    const bodies: (string | Uint8Array)[] = [
      deep(60_000, '[', ']'),
      deep(40_000, '{"a":', '}'),
      line + deep(60_000, '[', ']') + '\n',
      noise,
      line.repeat(1000) + '{"user_id": tru',
      line.repeat(999) + '\ufffd\ud800\n',
      line.repeat(1500).replaceAll('"t"', '"\\ud800"'),
      listenish.join('\n'),
      '[' + listenish.join(',') + ']',
      line.repeat(2000).replaceAll('\n', '\r\n'),
    ];
    for (const body of bodies) {
      assert.ok((typeof body === 'string' ? Buffer.byteLength(body) : body.length) >= 64 * 1024, 'large enough for a worker');
      await send('/v1/listens', body, 'application/x-ndjson');
      await send('/v1/listens', body);
    }
    // The workers still read a large clean body.
    const r = await send('/v1/listens', line.replaceAll('"t"', '"after the noise"').repeat(1) + line.repeat(900).replaceAll('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'), 'application/x-ndjson');
    assert.equal(r.status, 200, r.text);
  });

  it('after all that, the server still takes a good listen and answers reads', async () => {
    const ok = await send('/v1/listens', JSON.stringify({ user_id: 'alice', listened_at: '2026-02-02T02:02:02Z', track_name: 'Still Here', artist_name: 'Survivors' }));
    assert.equal(ok.status, 200);
    assert.equal((ok.json as { accepted: number }).accepted, 1);
    const h = await call(server().url, 'GET', '/healthz');
    assert.equal(h.status, 200);
    const l = await call(server().url, 'GET', '/1/user/alice/listens?count=1000', { token: server().tokens.alice });
    assert.ok((l.json as { payload: { listens: { track_metadata: { track_name: string } }[] } }).payload.listens.some((x) => x.track_metadata.track_name === 'Still Here'));
  });

  it('a body over the limit is 413 with a message saying how to fix it', async () => {
    const r = await call(server().url, 'POST', '/v1/listens', { token: server().tokens.alice, body: 'x'.repeat(5 * 1024 * 1024), type: 'application/x-ndjson' });
    assert.equal(r.status, 413);
    assert.match(String((r.json as { error: string }).error), /smaller batches/);
  });
});

describe('fuzzed query strings and path parameters', () => {
  const server = servedFixture({ config: { rateLimit: 0 } }, (dir) => importTinyEvents(dir));

  it('every GET route, each query parameter given odd values: no 500, no stack trace', async () => {
    // Each of these once reached SQL and failed there: 1e400 (Infinity), 99999999999999999999 (past
    // exact integers; min_ts/max_ts out of to_timestamp's range), 2024-02-30 (JavaScript rolled it to
    // March 1), 9999-12-31 (its next day has five digits of year), NUL (ended DuckDB's quoted string).
    const odd = ['', 'x', '-1', '0', '99999999999999999999', '99999999999', '1e400', '-1e400', 'NaN', '2024-02-30', '2023-02-29', '9999-12-31', '0000-01-01', "'; SELECT 1; --", '\u0000', 'a\u0000b', '%', '😀', 'Not/AZone', 'true', 'x'.repeat(3000)];
    const users = ['ua', 'nobody', 'a\u0000b', '%', "o'neil"];
    const spec = (await call(server().url, 'GET', '/openapi.json')).json as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };
    let n = 0;
    for (const [path, ops] of Object.entries(spec.paths)) {
      const get = ops['get'];
      if (!get || path === '/v1/live') continue; // the live stream never ends by itself
      const names = (get.parameters ?? []).filter((p) => p.in === 'query' && p.name !== 'token').map((p) => p.name);
      for (const u of users) {
        const base = path.replace(/\{(user|name|track_key)\}/g, encodeURIComponent(u));
        for (const q of [null, ...names]) {
          for (const v of q === null ? [''] : odd) {
            const url = q === null ? base : `${base}?${q}=${encodeURIComponent(v)}`;
            const r = await call(server().url, 'GET', url, { token: server().tokens.admin });
            assert.ok(r.status < 500, `GET ${url.slice(0, 160)} answered ${r.status}: ${r.text.slice(0, 300)}`);
            assert.ok(!/at \S+ \(.*:\d+:\d+\)/.test(r.text), 'no stack trace in the answer');
            n++;
          }
        }
      }
    }
    assert.ok(n > 1000, `only ${n} requests`);
    // And the values that must be refused are refused with a 400 that names the parameter.
    for (const [url, says] of [
      ['/1/user/ua/listens?count=1e400', /count/],
      ['/1/user/ua/listens?min_ts=99999999999999', /min_ts/],
      ['/v1/overview?from=2024-02-30', /from/],
      ['/v1/users/ua/recap?to=9999-12-31', /to/],
    ] as const) {
      const r = await call(server().url, 'GET', url, { token: server().tokens.admin });
      assert.equal(r.status, 400, `${url}: ${r.text}`);
      assert.match(r.text, says);
    }
  });
});
