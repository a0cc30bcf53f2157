// The server's TypeScript reading of clean bodies (src/serve/ingest/fast-stage.ts) gives exactly the rows
// the importers' SQL staging gives for the same body, or declines (null) and leaves the body to SQL.
// Generated records mix plain values with every kind the fast path must decline; both outcomes must occur.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { headKeys } from '../src/formats/generic-sql.js';
import { formatByName } from '../src/formats/registry.js';
import { lineCount } from '../src/serve/body.js';
import { FAST_COLUMNS, fastCanonicalNdjson, fastListenBrainz, type FastRows } from '../src/serve/ingest/fast-stage.js';
import { bodyFormat, stageGroup, type Body } from '../src/serve/ingest/stage-group.js';
import { groupRecords, prepareRows, type GroupItem } from '../src/serve/ingest/prepare.js';
import { PendingLoader, pendingDdl, wrapRecord } from '../src/serve/ingest/pending.js';
import { openServeDb, type ServeDb } from '../src/serve/db.js';
import { Ingestor } from '../src/serve/ingest/ingestor.js';
import { validateSubmission, type LbListen } from '../src/serve/lb-validate.js';
import { all, openDb, type Db } from '../src/util/db.js';
import { tempDir } from './helpers/lake.js';
import { listenIdSql } from '../src/model/keys.js';

let db: Db;
let tmp: string;
let cleanup: () => Promise<void>;
let n = 0;

before(async () => {
  db = await openDb();
  for (const sql of pendingDdl()) await db.conn.run(sql);
  const t = await tempDir();
  cleanup = t.cleanup;
  tmp = join(t.dir, 'stage');
  await mkdir(tmp, { recursive: true });
});
after(async () => {
  db.close();
  await cleanup();
});

type Row = Record<string, unknown>;

/** The SQL stager's rows for one body: every staged column as the fast path spells it (times in epoch ms). */
async function viaSql(body: Body): Promise<Row[]> {
  const gid = `t${++n}`;
  const out = `out_${gid}`;
  const cols = await stageGroup(db.conn, [body], tmp, gid, out);
  const sel = FAST_COLUMNS.map((c) =>
    !cols.has(c.name) ? `NULL AS "${c.name}"` : c.type === 'TIMESTAMPTZ' ? `epoch_ms("${c.name}")::DOUBLE AS "${c.name}"` : c.type === 'BIGINT' ? `"${c.name}"::DOUBLE AS "${c.name}"` : `"${c.name}"`,
  );
  return all(db.conn, `SELECT _line, _reason, ${sel.join(', ')} FROM ${out} ORDER BY _line`);
}

function fastRowsOf(rows: FastRows): Row[] {
  return Array.from({ length: rows.n }, (_, r) => Object.fromEntries([['_line', r + 1], ['_reason', null], ...FAST_COLUMNS.map((c, j) => [c.name, rows.cols[j]?.[r] ?? null])]));
}

/**
 * What the ingest log's records of one body read back as, through the loader into `pending`: rows in the
 * fast path's spelling (as fastRowsOf), with `_line` the row's place in the body, and each row's seq and
 * listen_id checked (seq numbered from 1 in order; listen_id as SQL's listenIdSql computes it).
 */
async function viaLog(items: readonly GroupItem[], kept: readonly { accepted: number; skip: number[] }[]): Promise<Row[][]> {
  await db.conn.run(`DELETE FROM pending_rows; DELETE FROM pending_extra`);
  const records = groupRecords(items, kept, 1, Date.UTC(2026, 0, 1));
  await new PendingLoader(db.conn, 0).load(records);
  const sel = FAST_COLUMNS.map((c) => (c.type === 'TIMESTAMPTZ' ? `epoch_ms("${c.name}")::DOUBLE AS "${c.name}"` : c.type === 'BIGINT' ? `"${c.name}"::DOUBLE AS "${c.name}"` : `"${c.name}"`));
  const rows = plain(await all(db.conn, `SELECT seq, listen_id = ${listenIdSql('user_id', 'listened_at', 'track_key')} AS id_ok, source, origin, ${sel.join(', ')} FROM pending ORDER BY seq`));
  const total = kept.reduce((a, k) => a + k.accepted, 0);
  assert.deepEqual(rows.map((r) => r['seq']), Array.from({ length: total }, (_, i) => i + 1), 'sequence numbers 1.. in order');
  assert.ok(rows.every((r) => r['id_ok'] === true), 'every listen_id is the one SQL computes');
  // Back to bodies: whole bodies come first in the records, then each source/origin's merged rows, in body order.
  const out: Row[][] = items.map(() => []);
  const order = [...items.keys()].filter((i) => items[i]!.pre.payload).concat([...items.keys()].filter((i) => !items[i]!.pre.payload));
  let at = 0;
  for (const i of order) {
    const keep = [...Array(items[i]!.pre.n).keys()].filter((r) => !kept[i]!.skip.includes(r));
    for (const r of keep) {
      const { seq, id_ok, source, origin, ...row } = rows[at++]!;
      void seq;
      void id_ok;
      assert.deepEqual([source, origin], [items[i]!.source, items[i]!.origin]);
      out[i]!.push({ _line: r + 1, _reason: null, ...row });
    }
  }
  return out;
}

const plain = (rows: Row[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));

/** A body read by the fast path and prepared for the commit (as the /v1/listens route does). */
function fastBody(text: string, user: string, whole = false): Body {
  const rows = fastCanonicalNdjson(text, headKeys(text), user);
  assert.ok(rows, 'the fast path reads the body');
  const b = canonicalBody(text, user);
  return { ...b, pre: prepareRows(rows, b.source, b.origin, whole) };
}

function canonicalBody(text: string, user = 'token_user', onlyUser?: string): Body {
  const f = bodyFormat(text, 'ndjson');
  assert.ok(typeof f !== 'string', `not a listen shape: ${String(f)}`);
  return { text, kind: 'ndjson', lines: lineCount(text), format: f, user, ...(onlyUser ? { onlyUser } : {}), source: 'api:canonical-ndjson', origin: 'test' };
}

describe('fast staging of canonical NDJSON', () => {
  it('reads a varied clean body exactly as the SQL stager does', async () => {
    const recs = [
      { user_id: 'ana', listened_at: '2025-03-20T14:05:00Z', track_name: 'Hey Jude', artist_name: 'The Beatles', ms_played: 200000, action: 'complete', platform: 'ios', country: 'GB', city: 'London' },
      { user_id: 'ana', listened_at: '2025-03-20T14:09:00.5', spotify_track_uri: 'spotify:track:4uLU6hMCjMI75M1A2tKUQC', ms_played: 12000, action: 'SKIP', shuffle: true },
      { user_id: 'bo', listened_at: 1742479500, isrc: 'gbaye0601498', track_name: 'x', skipped: false, offline: false, incognito: true },
      { user_id: 'bo', listened_at: 1742479560123, recording_mbid: 'B1A9C0E9-D987-4042-AE91-78D6A3267D69', session_id: 's1', reason_start: 'clickrow', reason_end: 'trackdone' },
      { user_id: 'cy', listened_at: 1742479620123000, song_id: 'S42', artist_id: 'A7', album_name: 'Abbey  Road', action: null, ms_played: null },
      { user_id: 'cy', listened_at: 1.7424797e18, track_name: 'Ünïcödé\tTitle', artist_name: 'Björk', action: 'pause', extra: { ignored: true } },
    ];
    const text = recs.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const fast = fastCanonicalNdjson(text, headKeys(text), 'token_user');
    assert.ok(fast, 'a clean body is read in TypeScript');
    const sql = await viaSql(canonicalBody(text));
    assert.equal(sql.length, 6);
    assert.deepEqual(fastRowsOf(fast), plain(sql));
    // Spot checks by hand, so the comparison is not only "both agree".
    const row = fastRowsOf(fast);
    assert.equal(row[0]!['listened_at'], Date.UTC(2025, 2, 20, 14, 5));
    assert.equal(row[1]!['action'], 'skip');
    assert.equal(row[1]!['skipped'], true);
    assert.equal(row[2]!['track_key'], 'isrc:GBAYE0601498');
    assert.equal(row[4]!['listened_at'], 1742479620123);
    assert.equal(row[5]!['track_key'], 'name:björk — ünïcödé title');
  });

  it('gives the token user to records when the body names no user', async () => {
    const text = `{"listened_at":"2025-01-02T03:04:05Z","track_name":"A","artist_name":"B"}\n`;
    const fast = fastCanonicalNdjson(text, headKeys(text), 'token_user');
    assert.ok(fast);
    assert.equal(fastRowsOf(fast)[0]!['user_id'], 'token_user');
    // Such a body is canonical only when the client says so (?format=canonical-ndjson).
    const body = { ...canonicalBody(`{"user_id":"u",${text.slice(1)}`), text, lines: 1, format: formatByName('canonical-ndjson')! };
    assert.deepEqual(fastRowsOf(fast), plain(await viaSql(body)));
    // An empty user_id is no user: the token's stands in, on both paths.
    const empty = `{"user_id":"",${text.slice(1)}`;
    const fastEmpty = fastCanonicalNdjson(empty, headKeys(empty), 'token_user');
    assert.ok(fastEmpty);
    assert.deepEqual(fastRowsOf(fastEmpty), plain(await viaSql(canonicalBody(empty, 'token_user'))));
    assert.equal(fastRowsOf(fastEmpty)[0]!['user_id'], 'token_user');
  });

  it('declines what it is not sure of, and what the SQL stager rejects', () => {
    const body = (o: unknown) => JSON.stringify(o) + '\n';
    const base = { user_id: 'u', listened_at: '2025-01-02T03:04:05Z', track_name: 'T', artist_name: 'A' };
    const declined = [
      body({ ...base, track_name: ' padded' }),
      body({ ...base, artist_name: 'non\u00a0breaking' }),
      body({ ...base, song_id: 42 }),
      body({ ...base, ms_played: '1000' }),
      body({ ...base, ms_played: 1.5 }),
      body({ ...base, listened_at: '2025-02-30T00:00:00Z' }),
      body({ ...base, listened_at: '2025-01-02T03:04:05+02:00' }),
      body({ ...base, listened_at: 1742479560.0001 }),
      body({ ...base, listened_at: '1999-12-31T23:00:00Z' }),
      body({ ...base, action: 'like' }),
      body({ ...base, track_name: 'half \ud800 a pair' }),
      body({ ...base, artist_name: '\udc00 low half first' }),
      body({ ...base, shuffle: 'yes' }),
      body({ ...base, user_id: 7 }),
      body({ user_id: 'u', listened_at: '2025-01-02T03:04:05Z' }),
      body(base) + '\n' + body(base),
      body(base) + 'not json\n',
    ];
    for (const t of declined) assert.equal(fastCanonicalNdjson(t, headKeys(t), 'x'), null, t);
    const pair = body({ ...base, track_name: 'a whole pair \ud83d\ude00' });
    assert.ok(fastCanonicalNdjson(pair, headKeys(pair), 'x'), 'a whole surrogate pair is a character like any other');
    const other = body({ ...base, user_id: 'someone_else' });
    assert.equal(fastCanonicalNdjson(other, headKeys(other), 'u', 'u'), null, 'another user, for a user token');
  });

  it('equals the SQL stager on generated records whenever it reads them', async () => {
    // Mostly values the fast path reads, sometimes one it must decline or the SQL rejects.
    const mostly = <T, U>(clean: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) => fc.oneof({ arbitrary: clean, weight: 12 }, { arbitrary: odd, weight: 1 });
    const str = mostly(fc.constantFrom('Song', 'Ärger', 'tab\tinside', 'two  spaces', 'MiXeD CaSe', '42', 'ΣΟΦΙΑ'), fc.constantFrom('İstanbul', ' lead', 'trail ', '', 'x\u00a0y', 7));
    const rec = fc.record(
      {
        user_id: mostly(fc.constantFrom('u1', 'u2', ''), fc.constantFrom(' u3', 5)),
        listened_at: mostly(
          fc.oneof(
            fc.integer({ min: 1_500_000_000, max: 1_760_000_000 }),
            fc.integer({ min: 1_500_000_000_000, max: 1_760_000_000_000 }),
            fc.constantFrom('2025-03-20T14:05:00Z', '2025-03-20T14:05:00', '2024-02-29T23:59:59.999Z', '2025-03-20T14:05:00.12'),
          ),
          fc.oneof(fc.double({ min: 1.5e9, max: 1.76e9, noNaN: true }), fc.constantFrom('2023-02-29T00:00:00Z', 'yesterday', '2025-03-20 14:05:00', '2025-03-20T14:05:00.1234Z', '2025-03-20T14:05:00-05:00')),
        ),
        track_name: str,
        artist_name: str,
        album_name: str,
        spotify_track_uri: mostly(fc.constant('spotify:track:4uLU6hMCjMI75M1A2tKUQC'), fc.constantFrom(' spotify:track:x', '')),
        isrc: mostly(fc.constantFrom('USUM71703861', 'usum71703861'), fc.constant('bad ')),
        song_id: mostly(fc.constantFrom('S1', 'S 2'), fc.integer()),
        ms_played: mostly(fc.integer({ min: 0, max: 86_400_000 }), fc.oneof(fc.integer({ min: -5, max: -1 }), fc.double({ noNaN: true, min: 0, max: 1e6 }), fc.constant('100'))),
        action: mostly(fc.constantFrom('play', 'Skip', 'COMPLETE', 'pause'), fc.constantFrom('like', ' play', '')),
        skipped: mostly(fc.boolean(), fc.constantFrom('true', 'no', 'maybe')),
        shuffle: fc.boolean(),
        platform: str,
        country: fc.constantFrom('GB', 'us', 'Deutschland'),
      },
      { requiredKeys: ['user_id', 'listened_at'] },
    );
    let read = 0;
    let declined = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rec, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), async (recs, whole, dup) => {
        const text = recs.map((r) => JSON.stringify(r)).join('\n') + '\n';
        if (typeof bodyFormat(text, 'ndjson') === 'string' || (bodyFormat(text, 'ndjson') as { name: string }).name !== 'canonical-ndjson') return;
        const fast = fastCanonicalNdjson(text, headKeys(text.slice(0, 64 * 1024)), 'token_user');
        if (!fast) {
          declined++;
          return;
        }
        read++;
        assert.deepEqual(fastRowsOf(fast), plain(await viaSql(canonicalBody(text))), text);
        // The ingest log's record of the body (prepared whole on a worker, or merged at the commit), with
        // some rows left out as duplicates, reads back as exactly the rows kept.
        const skip = [...Array(fast.n).keys()].filter((r) => dup[r]);
        const [back] = await viaLog([{ pre: prepareRows(fast, 'api:canonical-ndjson', 'test', whole), source: 'api:canonical-ndjson', origin: 'test' }], [{ accepted: fast.n - skip.length, skip }]);
        assert.deepEqual(back, fastRowsOf(fast).filter((_, r) => !dup[r]), `${text} (whole: ${whole}, skipped: ${skip.join(',')})`);
      }),
      { numRuns: 300, seed: 20261121 },
    );
    assert.ok(read >= 20, `only ${read} generated bodies were read fast`);
    assert.ok(declined >= 20, `only ${declined} generated bodies were declined`);
  });
});

describe('loading the ingest log into pending', () => {
  it('passes over a record DuckDB cannot read, counting its listens lost, and loads the others', async () => {
    const text = [1, 2, 3].map((i) => JSON.stringify({ user_id: 'u', listened_at: `2025-01-0${i}T00:00:00Z`, track_name: `T${i}`, artist_name: 'A' })).join('\n') + '\n';
    const rows = fastCanonicalNdjson(text, headKeys(text), 'x')!;
    const good = (seq: number) => wrapRecord(seq, 3, 0, [], prepareRows(rows, 's', 'o', true).payload!, false);
    // What the fast path never writes: a string with half a surrogate pair, which DuckDB's JSON reader refuses.
    const bad = wrapRecord(4, 1, 0, [], Buffer.from(JSON.stringify({ source: 's', origin: 'o', id: ['0000000000000001'], c: { user_id: ['u'], listened_at: [1], track_name: ['x\ud800'], artist_name: ['A'] }, k: {} })), false);
    await db.conn.run(`DELETE FROM pending_rows; DELETE FROM pending_extra`);
    const loader = new PendingLoader(db.conn, 0);
    await loader.load([good(1), bad, good(5)]);
    assert.equal(loader.loaded, 7);
    assert.equal(loader.lost, 1);
    assert.match(String(loader.lostReason), /^listens 4-4: /);
    assert.deepEqual((await all(db.conn, `SELECT seq, track_name FROM pending ORDER BY seq`)).map((r) => [Number(r['seq']), r['track_name']]), [[1, 'T1'], [2, 'T2'], [3, 'T3'], [5, 'T1'], [6, 'T2'], [7, 'T3']]);
  });
});

describe('fast staging of ListenBrainz submissions', () => {
  const LB = formatByName('listenbrainz-export')!;
  const sqlOf = (listens: readonly LbListen[], user: string): Promise<Row[]> => {
    const text = listens.map((l) => JSON.stringify({ ...l, user_name: user })).join('\n') + '\n';
    return viaSql({ text, kind: 'ndjson', lines: listens.length, format: LB, user, onlyUser: user, source: 'listenbrainz-api', origin: 'test' });
  };

  it('reads validated listens exactly as the listenbrainz-export mapping does', async () => {
    const v = validateSubmission({
      listen_type: 'import',
      payload: [
        { listened_at: 1742479500, track_metadata: { artist_name: 'Portishead', track_name: 'Roads', release_name: 'Dummy' } },
        {
          listened_at: 1742479800,
          track_metadata: {
            artist_name: 'Björk',
            track_name: 'Jóga',
            additional_info: {
              spotify_id: 'https://open.spotify.com/track/1pIfBd0Yi5L9qZyY5FWCWN?si=x',
              isrc: 'GB-AAA-97-00001',
              recording_mbid: 'A1B2C3D4-0000-4000-8000-000000000001',
              artist_mbids: ['87c5dedd-371d-4a53-9f7f-80522fb7f3cb', '00000000-0000-4000-8000-000000000002'],
              release_mbid: '',
              media_player: 'Strawberry',
              submission_client: 'scrobbler',
            },
          },
        },
        { listened_at: 1742480100, track_metadata: { artist_name: 'A', track_name: 'B', additional_info: { submission_client: 'cli', spotify_id: 'not an id', isrc: 'short' } } },
      ],
    });
    assert.ok(v.ok);
    const fast = fastListenBrainz(v.listens, 'lb_user');
    assert.ok(fast);
    const rows = fastRowsOf(fast);
    assert.deepEqual(rows, plain(await sqlOf(v.listens, 'lb_user')));
    assert.equal(rows[1]!['spotify_track_uri'], 'spotify:track:1pIfBd0Yi5L9qZyY5FWCWN');
    assert.equal(rows[1]!['isrc'], 'GBAAA9700001');
    assert.equal(rows[1]!['artist_mbid'], '87c5dedd-371d-4a53-9f7f-80522fb7f3cb');
    assert.equal(rows[1]!['platform'], 'Strawberry');
    assert.equal(rows[2]!['spotify_track_uri'], null);
    assert.equal(rows[2]!['platform'], 'cli');
    assert.equal(rows[0]!['listened_at'], 1742479500000);
  });

  it('declines names with surrounding spaces (SQL trims them its own way)', () => {
    const v = validateSubmission({ listen_type: 'single', payload: [{ listened_at: 1742479500, track_metadata: { artist_name: ' A', track_name: 'B' } }] });
    assert.ok(v.ok);
    assert.equal(fastListenBrainz(v.listens, 'u'), null);
  });
});

describe('a group commit of fast and SQL-staged bodies', () => {
  /** A server's DuckDB on a fresh data directory, and an opener of ingestors on it (as the server opens one). */
  async function withIngest(work: (sdb: ServeDb, open: (o?: { loadEveryMs?: number }) => Promise<Ingestor>) => Promise<void>): Promise<void> {
    const t = await tempDir();
    const sdb = await openServeDb(t.dir);
    try {
      await work(sdb, async (o = {}) => Ingestor.open({ dataDir: t.dir, conn: sdb.writer, flushConn: await sdb.db.instance.connect(), loadConn: await sdb.db.instance.connect(), ...o }));
    } finally {
      await sdb.close();
      await t.cleanup();
    }
  }

  it('counts, rejects and stores each body as if it were alone', async () => {
    await withIngest(async (sdb, open) => {
      const ing = await open();
      const line = (u: string, at: string, track: string, extra = '') => `{"user_id":"${u}","listened_at":"${at}","track_name":"${track}","artist_name":"A"${extra}}`;
      const fastText = [line('u1', '2025-05-01T10:00:00Z', 'One'), line('u1', '2025-05-01T10:05:00Z', 'Two'), line('u1', '2025-05-01T10:00:00Z', 'One')].join('\n') + '\n';
      // Leading spaces in a name: the fast path declines the body, SQL reads it (and rejects the bad action).
      const slowText = [line('u2', '2025-05-01T11:00:00Z', ' Three'), line('u2', '2025-05-01T11:05:00Z', 'Four', ',"action":"like"'), line('u1', '2025-05-01T10:05:00Z', 'Two')].join('\n') + '\n';
      const fast = fastCanonicalNdjson(fastText, headKeys(fastText), 'admin');
      assert.ok(fast);
      assert.equal(fastCanonicalNdjson(slowText, headKeys(slowText), 'admin'), null);
      const [a, b] = await Promise.all([ing.submit(fastBody(fastText, 'admin')), ing.submit(canonicalBody(slowText, 'admin'))]);
      assert.deepEqual({ ...a, rejects: a.rejects.length }, { accepted: 2, duplicates: 1, rejected: 0, rejects: 0 });
      assert.equal(b.accepted, 1);
      assert.equal(b.duplicates, 1, 'u1 Two was accepted from the fast body in the same group');
      assert.equal(b.rejected, 1);
      assert.deepEqual(b.rejects.map((r) => [r.line, r.field]), [[2, 'action']]);
      await ing.caughtUp();
      const rows = await all(sdb.writer, `SELECT user_id, track_name, seq FROM pending ORDER BY seq`);
      assert.deepEqual(rows.map((r) => [r['user_id'], r['track_name'], Number(r['seq'])]), [['u1', 'One', 1], ['u1', 'Two', 2], ['u2', 'Three', 3]]);
      // User tokens write only their own listens (the SQL path, one statement for every such body).
      const mine = (u: string) => [line('u1', '2025-05-03T10:00:00Z', 'Eight'), line(u, '2025-05-03T10:00:00Z', 'Nine')].join('\n') + '\n';
      assert.equal(fastCanonicalNdjson(mine('u9'), headKeys(mine('u9')), 'u9', 'u9'), null);
      const [m9, m8] = await Promise.all([ing.submit(canonicalBody(mine('u9'), 'u9', 'u9')), ing.submit(canonicalBody(mine('u8'), 'u8', 'u8'))]);
      for (const [r, u] of [[m9, 'u9'], [m8, 'u8']] as const) {
        assert.deepEqual([r.accepted, r.rejected], [1, 1]);
        assert.deepEqual(r.rejects.map((x) => [x.line, x.field, x.reason, x.value]), [[1, 'user_id', `expected your own user (${u}): a token writes only its user's listens`, 'u1']]);
      }
      // A group of clean bodies only (fast-commit.ts): duplicates across its requests found in memory.
      const fresh = [line('u3', '2025-05-02T10:00:00Z', 'Five'), line('u3', '2025-05-02T10:05:00Z', 'Six')].join('\n') + '\n';
      const [f1, f2] = await Promise.all([
        ing.submit(fastBody(fresh, 'admin')),
        ing.submit(fastBody(fresh, 'admin')),
      ]);
      assert.deepEqual([f1.accepted + f2.accepted, f1.duplicates + f2.duplicates], [2, 2]);
      const lone = line('u3', '2025-05-02T11:00:00Z', 'Seven') + '\n';
      const l = await ing.submit(fastBody(lone, 'admin'));
      assert.deepEqual([l.accepted, l.duplicates, l.rejected], [1, 0, 0]);
      // Acknowledged means in the log; a read waits until they are in `pending` too, and sees every one.
      sdb.setReadBarrier(() => ing.caughtUp());
      assert.equal(Number((await sdb.read((c) => all(c, `SELECT count(*) AS n FROM pending`)))[0]!['n']), 8);
      // Sent again, everything is a duplicate.
      const again = await ing.submit(fastBody(fastText, 'admin'));
      assert.deepEqual([again.accepted, again.duplicates], [0, 3]);
      // The fast path's ids are the ones SQL computes (listenIdSql), so the lake's duplicate checks agree.
      const idSql = listenIdSql('user_id', 'listened_at', 'track_key');
      assert.equal(Number((await all(sdb.writer, `SELECT count(*) FILTER (WHERE listen_id = ${idSql}) AS n FROM pending`))[0]!['n']), 8);
      // A restarted ingestor rebuilds `pending` from the log and reads its ids back; after a flush they are in `seen`.
      await ing.close();
      await sdb.writer.run(`DELETE FROM pending_rows; DELETE FROM pending_extra`);
      const ing2 = await open();
      assert.equal(Number((await all(sdb.writer, `SELECT count(*) AS n FROM pending`))[0]!['n']), 8, 'the log holds every acknowledged listen');
      const again2 = await ing2.submit(fastBody(fresh, 'admin'));
      assert.deepEqual([again2.accepted, again2.duplicates], [0, 2]);
      assert.equal(await ing2.flush(ing2.seq), 8);
      await ing2.close();
      assert.equal(Number((await all(sdb.writer, `SELECT count(*) AS n FROM ingest.seen`))[0]!['n']), 8);
      const ing3 = await open();
      assert.equal(ing3.seq, 8, 'the sequence number outlives an empty pending table');
      const again3 = await ing3.submit(fastBody(fastText, 'admin'));
      assert.deepEqual([again3.accepted, again3.duplicates], [0, 3]);
      const next = line('u3', '2025-05-04T11:00:00Z', 'Ten') + '\n';
      const n1 = await ing3.submit(fastBody(next, 'admin'));
      assert.equal(n1.accepted, 1);
      await ing3.caughtUp();
      assert.deepEqual((await all(sdb.writer, `SELECT seq FROM pending`)).map((r) => Number(r['seq'])), [9]);
      await ing3.close();
    });
  });

  it('a body staged in SQL finds the listens acknowledged before it that have not reached `pending` yet', async () => {
    await withIngest(async (sdb, open) => {
      // Loads of logged listens into `pending` only when someone waits for one.
      const ing = await open({ loadEveryMs: 600_000 });
      const line = (at: string, track: string) => `{"user_id":"u1","listened_at":"${at}","track_name":"${track}","artist_name":"A"}`;
      const fastText = [line('2025-05-01T10:00:00Z', 'One'), line('2025-05-01T10:05:00Z', 'Two')].join('\n') + '\n';
      const a = await ing.submit(fastBody(fastText, 'admin'));
      assert.equal(a.accepted, 2);
      assert.equal(Number((await all(sdb.writer, `SELECT count(*) AS n FROM pending`))[0]!['n']), 0, 'acknowledged, in the log, not yet in pending');
      // A padded name sends this body to SQL; its "Two" is the fast body's.
      const slowText = [line('2025-05-01T10:05:00Z', 'Two'), line('2025-05-01T11:00:00Z', ' Three')].join('\n') + '\n';
      assert.equal(fastCanonicalNdjson(slowText, headKeys(slowText), 'admin'), null);
      const b = await ing.submit(canonicalBody(slowText, 'admin'));
      assert.deepEqual([b.accepted, b.duplicates], [1, 1]);
      await ing.caughtUp();
      assert.deepEqual((await all(sdb.writer, `SELECT track_name FROM pending ORDER BY seq`)).map((r) => r['track_name']), ['One', 'Two', 'Three']);
      await ing.close();
    });
  });
});
