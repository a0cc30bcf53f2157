// Listens that fit the time listeners have: capped shares, no overlapping plays, (user, time, track) unique,
// the 30-minute session rule for heavy listeners too, and worlds too big for users × days refused.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildCatalogue } from '../src/generate/catalogue.js';
import { ListenEngine } from '../src/generate/engine.js';
import { generateWorld, type GenerateOptions } from '../src/generate/index.js';
import { Listen } from '../src/generate/listen.js';
import { checkFit, maxPlaysPerUser, splitPlays } from '../src/generate/shares.js';
import { buildUsers } from '../src/generate/users.js';

const START = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const MIN30 = 30 * 60_000;

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function world(opts: Omit<GenerateOptions, 'out'>) {
  const out = await mkdtemp(join(tmpdir(), 'earshot-fit-'));
  dirs.push(out);
  const summary = await generateWorld({ ...opts, out });
  return { out, summary, done: () => rm(out, { recursive: true, force: true }) };
}

interface Row { user: string; ms: number; song: string }

/** seed-csv rows as an importer reads them (null when malformed). */
function seedRow(line: string): Row | null {
  const f = line.split(',');
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(f[2] ?? '');
  if (f.length !== 4 || !/^user_\d+$/.test(f[0] as string) || !/^song_\d+$/.test(f[1] as string) || !/^\d+$/.test(f[3] as string) || !m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 19) !== `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`) return null;
  return { user: f[0] as string, ms, song: f[1] as string };
}

/** events rows as an importer reads them (null when malformed). */
function eventRow(line: string): Row | null {
  let e: Record<string, unknown>;
  try { e = JSON.parse(line) as Record<string, unknown>; } catch { return null; }
  const ts = e.event_ts;
  if (typeof e.user_id !== 'string' || typeof e.song_id !== 'string' || typeof ts !== 'string') return null;
  const ms = Date.parse(ts);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(ts) || !Number.isFinite(ms) || new Date(ms).toISOString() !== ts) return null;
  return { user: e.user_id, ms, song: e.song_id };
}

/**
 * Drops malformed rows and exact repeats of a line (the injected duplicates), then counts rows whose
 * (user, time in ms, song) was already seen: an importer deduping by that key would lose them.
 */
function collisions(lines: string[], parse: (l: string) => Row | null): { valid: number; collisions: number; perUser: Map<string, number> } {
  const lineSeen = new Set<string>();
  const keys = new Set<string>();
  const perUser = new Map<string, number>();
  let valid = 0;
  let hits = 0;
  for (const line of lines) {
    const r = parse(line);
    if (r === null || lineSeen.has(line)) continue;
    lineSeen.add(line);
    valid++;
    perUser.set(r.user, (perUser.get(r.user) ?? 0) + 1);
    const k = `${r.user}\u241f${r.ms}\u241f${r.song}`;
    if (keys.has(k)) hits++;
    keys.add(k);
  }
  return { valid, collisions: hits, perUser };
}

const lines = async (path: string, header: boolean): Promise<string[]> => {
  const all = (await readFile(path, 'utf8')).split('\n');
  all.pop();
  return header ? all.slice(1) : all;
};

test('(user, time, song) is unique among valid non-duplicate rows, heavy worlds included', async () => {
  const configs: Omit<GenerateOptions, 'out'>[] = [
    // The demo world: 500 listeners, 300k events over 28 days; heavy listeners are capped.
    { users: 500, tracks: 3000, events: 300_000, days: 28, seed: 42, format: 'events', dirty: 0.002 },
    // 50 listeners near the most a week can hold (98% of 50 × the per-user cap).
    { users: 50, tracks: 3000, events: 56_000, days: 7, seed: 42, format: 'events', dirty: 0.002 },
    { users: 50, tracks: 3000, events: 56_000, days: 7, seed: 42, format: 'seed-csv', dirty: 0.002 },
    { users: 3, tracks: 40, events: 300, days: 1, seed: 9, format: 'seed-csv', dirty: 0.02 },
    { users: 200, tracks: 2000, events: 100_000, days: 30, seed: 7, format: 'seed-csv', dirty: 0.002 },
  ];
  for (const c of configs) {
    const w = await world(c);
    const file = c.format === 'events' ? join(w.out, 'events.ndjson') : join(w.out, 'listening_logs.csv');
    const got = collisions(await lines(file, c.format === 'seed-csv'), c.format === 'events' ? eventRow : seedRow);
    const what = JSON.stringify(c);
    assert.equal(got.collisions, 0, what);
    assert.equal(got.valid, c.events, what);
    assert.equal(w.summary.listens, c.events, what);
    const cap = maxPlaysPerUser(c.days * DAY, buildCatalogue(c.seed, c.tracks, 2025).meanPlayDurationMs);
    for (const [user, n] of got.perUser) assert.ok(n <= cap, `${what}: ${user} has ${n} listens, cap ${cap}`);
    await w.done();
  }
});

test('seed-csv without dirt: each user\'s start times strictly increase (whole seconds), heavy worlds included', async () => {
  for (const c of [
    { users: 50, tracks: 3000, events: 56_000, days: 7, seed: 42 },
    { users: 500, tracks: 3000, events: 300_000, days: 28, seed: 42 },
    { users: 1, tracks: 300, events: 1000, days: 7, seed: 5 },
  ]) {
    const w = await world({ ...c, format: 'seed-csv', dirty: 0 });
    const last = new Map<string, number>();
    let n = 0;
    for (const line of await lines(join(w.out, 'listening_logs.csv'), true)) {
      const r = seedRow(line);
      assert.ok(r, line);
      const prev = last.get(r.user);
      assert.ok(prev === undefined || r.ms > prev, `${JSON.stringify(c)}: ${line} not after ${prev}`);
      assert.ok(r.ms >= START && r.ms < START + c.days * DAY, line);
      last.set(r.user, r.ms);
      n++;
    }
    assert.equal(n, c.events);
    await w.done();
  }
});

test('heavy listeners: plays never overlap and the 30-minute session rule holds for every user', () => {
  for (const [users, listens, days, seed] of [[50, 56_000, 7, 42], [500, 300_000, 28, 42], [1, 1100, 7, 3], [6, 900, 1, 11]] as const) {
    const cat = buildCatalogue(seed, 3000, 2025);
    const cap = maxPlaysPerUser(days * DAY, cat.meanPlayDurationMs);
    const engine = new ListenEngine({ seed, users: buildUsers(seed, users, cat), cat, listens, episodes: 0, startMs: START, endMs: START + days * DAY });
    const last = new Map<number, Listen>();
    const count = new Map<number, number>();
    for (let l = new Listen(); engine.next(l); l = new Listen()) {
      const p = last.get(l.user);
      count.set(l.user, (count.get(l.user) ?? 0) + 1);
      assert.ok(l.startMs >= START && l.startMs < START + days * DAY);
      if (p) {
        const silence = l.startMs - (p.startMs + p.playedMs);
        assert.ok(silence >= 0, `user ${l.user}: overlapping plays at ${new Date(l.startMs).toISOString()}`);
        assert.ok(Math.floor(l.startMs / 1000) > Math.floor(p.startMs / 1000), `user ${l.user}: two starts in one second`);
        if (l.session === p.session) assert.ok(silence < MIN30, `user ${l.user}: gap ${silence} inside a session`);
        else {
          assert.equal(l.session, p.session + 1);
          assert.ok(silence > MIN30, `user ${l.user}: gap ${silence} between sessions`);
        }
      }
      last.set(l.user, l);
    }
    for (const [u, n] of count) assert.ok(n <= cap, `user ${u}: ${n} > ${cap}`);
    assert.equal([...count.values()].reduce((a, b) => a + b, 0), listens);
  }
});

test('a world too big for users × days is refused with a RangeError naming --users or --days, before writing', async () => {
  const root = await mkdtemp(join(tmpdir(), 'earshot-fit-'));
  dirs.push(root);
  const out = join(root, 'never');
  // 50 listeners cannot play 200k tracks in a week: 4000 each would be more than 24 h a day.
  await assert.rejects(generateWorld({ out, users: 50, tracks: 3000, events: 200_000, days: 7, seed: 42, format: 'events', dirty: 0.002 }),
    (e: unknown) => e instanceof RangeError && /raise --users to at least \d+ or --days to at least \d+/.test(e.message));
  // spotify-extended is one listener's export: only more days help.
  await assert.rejects(generateWorld({ out, users: 500, tracks: 300, events: 20_000, days: 7, seed: 1, format: 'spotify-extended', dirty: 0 }),
    (e: unknown) => e instanceof RangeError && /raise --days to at least \d+/.test(e.message) && !/raise --users/.test(e.message));
  assert.equal(existsSync(out), false);

  // The suggested sizes are enough.
  const mean = buildCatalogue(42, 3000, 2025).meanPlayDurationMs;
  const msg = (() => { try { checkFit({ plays: 200_000, users: 50, rangeMs: 7 * DAY, meanTrackMs: mean }); return ''; } catch (e) { return (e as Error).message; } })();
  const [, u, d] = /--users to at least (\d+) or --days to at least (\d+)/.exec(msg) ?? [];
  assert.ok(u && d, msg);
  assert.equal(checkFit({ plays: 200_000, users: Number(u), rangeMs: 7 * DAY, meanTrackMs: mean }), maxPlaysPerUser(7 * DAY, mean));
  assert.ok(checkFit({ plays: 200_000, users: 50, rangeMs: Number(d) * DAY, meanTrackMs: mean }) > 0);
  assert.throws(() => checkFit({ plays: 200_000, users: Number(u) - 1, rangeMs: 7 * DAY, meanTrackMs: mean }), RangeError);
  assert.throws(() => checkFit({ plays: 200_000, users: 50, rangeMs: (Number(d) - 1) * DAY, meanTrackMs: mean }), RangeError);
});

test('splitPlays: exact total, nobody above the cap, the surplus shared by weight, plain proportion when nothing is capped', () => {
  fc.assert(fc.property(
    fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 60 }),
    fc.integer({ min: 1, max: 500 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    (ws, cap, fill) => {
      const weights = Float64Array.from(ws);
      const total = Math.floor(fill * ws.length * cap);
      const got = splitPlays(weights, total, cap);
      assert.equal(got.reduce((a, b) => a + b, 0), total);
      for (const n of got) assert.ok(n >= 0 && n <= cap);
      // Users below the cap are within one of their proportional share of what the capped users left over.
      const free = [...got.keys()].filter((u) => (got[u] as number) < cap);
      const left = free.reduce((a, u) => a + (got[u] as number), 0);
      const wsum = free.reduce((a, u) => a + (weights[u] as number), 0);
      for (const u of free) assert.ok(Math.abs((got[u] as number) - (left * (weights[u] as number)) / wsum) <= 1 + 1e-9);
      // A heavier user never gets fewer plays than a lighter one by more than rounding.
      for (let a = 0; a < ws.length; a++) for (let b = 0; b < ws.length; b++) {
        if ((weights[a] as number) > (weights[b] as number)) assert.ok((got[a] as number) >= (got[b] as number) - 1);
      }
    },
  ), { seed: 7, numRuns: 300 });
  assert.deepEqual([...splitPlays(Float64Array.of(1, 1, 8), 30, 100)], [3, 3, 24]);
  assert.deepEqual([...splitPlays(Float64Array.of(1, 1, 8), 30, 12)], [9, 9, 12]);
  assert.throws(() => splitPlays(Float64Array.of(1, 2), 5, 2), RangeError);
});
