// The dashboard's reads in-process (the server's app with its DuckDB, no port) on a tiny generated
// world, checked against sums computed independently over the lake: the overview's totals, heatmap
// (epoch arithmetic vs DuckDB's calendar functions), genres; the cache invalidating when a listen is
// acknowledged; the console's read-only check; saving a console query as a report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/serve/server.js';
import { addUser } from '../src/serve/users.js';
import { generateWorld } from '../src/generate/index.js';
import { runImport } from '../src/import/run.js';
import { loadRegistry } from '../src/reports/registry.js';
import { q, tempDir } from './helpers/lake.js';

describe('dashboard API', () => {
  let dir: { dir: string; cleanup: () => Promise<void> };
  let data: string;
  let server: RunningServer;
  let admin: string;
  let listener: string;
  const get = async (url: string, token = admin) => {
    const r = await server.app.inject({ url, headers: { authorization: `Token ${token}` } });
    return { status: r.statusCode, body: r.json() as Record<string, unknown> & unknown[] };
  };

  before(async () => {
    dir = await tempDir();
    data = join(dir.dir, 'data');
    await generateWorld({ out: join(dir.dir, 'world'), users: 6, tracks: 60, events: 1500, days: 5, seed: 3, format: 'events', dirty: 0 });
    await runImport({ inputs: [join(dir.dir, 'world')], dataDir: data });
    admin = (await addUser(data, 'admin', true)).token;
    listener = (await addUser(data, 'user_1x', false)).token;
    server = await startServer({ dataDir: data, config: { port: 0 }, logger: false });
    await server.live;
  });
  after(async () => {
    await server?.close();
    await dir?.cleanup();
  });

  test('overview totals, heatmap and genres equal independent sums over the lake', async () => {
    const { status, body } = await get('/v1/overview');
    assert.equal(status, 200);
    const o = body as unknown as { totals: { plays: number; users: number }; heatmap: { weekday: number; hour: number; plays: number }[]; genres: { genre: string; plays: number }[] };
    const [t] = await q(data, `SELECT count(*) AS plays, count(DISTINCT user_id) AS users FROM listens`);
    assert.equal(o.totals.plays, Number(t!['plays']));
    assert.equal(o.totals.users, Number(t!['users']));
    const heat = await q(data, `SET TimeZone='UTC'; SELECT isodow(listened_at) - 1 AS weekday, hour(listened_at) AS hour, count(*) AS plays FROM listens GROUP BY ALL ORDER BY ALL`);
    assert.deepEqual(o.heatmap, heat.map((r) => ({ weekday: Number(r['weekday']), hour: Number(r['hour']), plays: Number(r['plays']) })));
    const genres = await q(data, `SELECT coalesce(t.genre, 'unknown') AS genre, count(*) AS plays FROM listens l LEFT JOIN tracks t USING (track_key) GROUP BY 1 ORDER BY plays DESC, genre`);
    assert.deepEqual(o.genres, genres.map((r) => ({ genre: String(r['genre']), plays: Number(r['plays']) })));
  });

  test('a listen acknowledged by the server is in the next overview (the cache follows the ingest sequence)', async () => {
    const before = ((await get('/v1/overview')).body as unknown as { totals: { plays: number } }).totals.plays;
    const user = listener;
    const r = await server.app.inject({
      method: 'POST',
      url: '/1/submit-listens',
      headers: { authorization: `Token ${user}`, 'content-type': 'application/json' },
      payload: { listen_type: 'single', payload: [{ listened_at: 1767300000, track_metadata: { artist_name: 'A', track_name: 'B' } }] },
    });
    assert.equal(r.statusCode, 200, r.body);
    await new Promise((res) => setTimeout(res, 5100)); // past the cache's grace period
    const afterPlays = ((await get('/v1/overview')).body as unknown as { totals: { plays: number } }).totals.plays;
    assert.equal(afterPlays, before + 1);
    assert.equal((await get('/v1/overview', user)).status, 403);
    assert.equal((await get('/v1/users/user_1x/platforms', user)).status, 200);
    assert.equal((await get('/v1/users/user_1/platforms', user)).status, 403);
  });

  test('the SQL console runs reads and names why it refuses the rest', async () => {
    const sql = async (s: string) => {
      const r = await server.app.inject({ method: 'POST', url: '/v1/sql', headers: { authorization: `Token ${admin}` }, payload: { sql: s } });
      return { status: r.statusCode, body: r.json() as { columns?: string[]; rows?: unknown[][]; error?: string; truncated?: boolean } };
    };
    for (const ok of ['SELECT count(*) AS n FROM listens', 'WITH x AS (SELECT 1 AS a) SELECT * FROM x', 'FROM tracks LIMIT 2', 'VALUES (1), (2)', 'DESCRIBE listens', 'SHOW TABLES', 'SUMMARIZE tracks', 'EXPLAIN SELECT 1', '-- comment\nSELECT 1;']) {
      const r = await sql(ok);
      assert.equal(r.status, 200, `${ok}: ${r.body.error}`);
    }
    const refused: [string, RegExp][] = [
      ['DELETE FROM listens', /DELETE statements are not allowed/],
      ['INSERT INTO pending SELECT * FROM pending', /INSERT/],
      ["COPY (SELECT 1) TO '/tmp/x.csv'", /COPY/],
      ["ATTACH '/tmp/x.db' AS x", /ATTACH/],
      ['INSTALL httpfs', /INSTALL/],
      ["SET memory_limit='1GB'", /SET/],
      ['PRAGMA version', /PRAGMA/],
      ['CREATE TABLE t (a INT)', /CREATE/],
      ['DROP VIEW listens', /DROP/],
      ["EXPORT DATABASE '/tmp/x'", /EXPORT/],
      ["SELECT * FROM read_parquet('/etc/*.parquet')", /read_parquet\(\)/],
      ["SELECT * FROM glob('/*')", /glob\(\)/],
      ["SELECT * FROM 'data.csv'", /not a table name/],
      ["SELECT * FROM query('SELECT 1')", /query\(\)/],
      ["SELECT getenv('HOME')", /getenv\(\)/],
      ["SELECT read_text('/etc/passwd')", /read_text/],
      ['SELECT 1; DELETE FROM listens', /one statement/],
      ['WITH d AS (DELETE FROM listens RETURNING *) SELECT * FROM d', /.+/],
      ['', /Invalid request|empty/],
    ];
    for (const [s, why] of refused) {
      const r = await sql(s);
      assert.equal(r.status, 400, `${s} should be refused`);
      assert.match(r.body.error ?? '', why, s);
    }
    // A constant past DOUBLE's range: DuckDB's parse tree spells it Infinity (not JSON); the check must still read it.
    const huge = await sql('SELECT 1e400 > 0 AS big');
    assert.equal(huge.status, 200, huge.body.error);
    assert.deepEqual(huge.body.rows, [[true]]);
    const outOfRange = await sql('SELECT to_timestamp(1e400) AS t');
    assert.equal(outOfRange.status, 400);
    assert.match(outOfRange.body.error ?? '', /out of range/);
    const capped = await sql('SELECT * FROM range(20000)');
    assert.equal(capped.body.rows?.length, 10_000);
    assert.equal(capped.body.truncated, true);
  });

  test('a console query saved as a report joins the registry', async () => {
    const r = await server.app.inject({ method: 'POST', url: '/v1/reports/saved', headers: { authorization: `Token ${admin}` }, payload: { name: 'plays_by_user', sql: 'SELECT user_id, count(*) AS plays FROM listens GROUP BY 1', description: 'plays per user' } });
    assert.equal(r.statusCode, 201, r.body);
    const spec = loadRegistry(data).reports.find((x) => x.name === 'plays_by_user');
    assert.ok(spec && !spec.problem, spec?.problem);
    assert.deepEqual(spec.columns.map((c) => c.name), ['user_id', 'plays']);
    assert.match(readFileSync(join(data, 'reports', 'plays_by_user.sql'), 'utf8'), /count\(\*\) AS plays/);
    const builtIn = await server.app.inject({ method: 'POST', url: '/v1/reports/saved', headers: { authorization: `Token ${admin}` }, payload: { name: 'top_songs', sql: 'SELECT 1' } });
    assert.equal(builtIn.statusCode, 400);
    const write = await server.app.inject({ method: 'POST', url: '/v1/reports/saved', headers: { authorization: `Token ${admin}` }, payload: { name: 'bad', sql: 'DELETE FROM listens' } });
    assert.equal(write.statusCode, 400);
    assert.equal(existsSync(join(data, 'reports', 'bad.sql')), false);
  });
});
