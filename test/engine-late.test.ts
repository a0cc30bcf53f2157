// Late and out-of-order listens. Listens shuffled within the allowed lateness give exactly the windows,
// profiles and sessions of the same listens in order; listens later than the lateness are counted in
// late_listens and the counters (never silently dropped), and the views equal those of the stream without
// them; a late listen within the lateness updates a window that was already emitted, and the change is
// emitted again; a late listen can merge two sessions, and the row of the absorbed one is deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, parseConfig, type EngineConfig } from '../src/engine/config.js';
import { Dicts } from '../src/engine/dict.js';
import { Engine } from '../src/engine/engine.js';
import { openGeneratorSource } from '../src/engine/sources/generator.js';
import { actionCode, allocBatch, ACTION_NAMES, type ListenBatch } from '../src/engine/types.js';
import { VIEW_TABLES } from '../src/views/tables.js';
import { MemoryViews } from './helpers/stream.js';
import { seededRandom } from '../src/ml/random.js';

interface Ev {
  user: string;
  track: string;
  artist: string;
  genre: string | null;
  mood: string | null;
  ts: number;
  ms: number;
  action: string;
}

async function world(events: number): Promise<Ev[]> {
  const d = new Dicts();
  const src = await openGeneratorSource({ options: { users: 60, tracks: 600, events, days: 3, seed: 5, start: '2026-02-01' }, dicts: d, from: null });
  const out: Ev[] = [];
  for await (const b of src) {
    const l = b.listens;
    for (let i = 0; i < l.n; i++) {
      const t = l.track[i]!;
      const g = d.trackGenre[t]!;
      const m = d.trackMood[t]!;
      out.push({ user: d.users.values[l.user[i]!]!, track: d.tracks.values[t]!, artist: d.artists.values[l.artist[i]!]!, genre: g >= 0 ? d.genres.values[g]! : null, mood: m >= 0 ? d.moods.values[m]! : null, ts: l.ts[i]!, ms: l.ms[i]!, action: ACTION_NAMES[l.action[i]!]! });
    }
  }
  return out;
}

function batch(evs: readonly Ev[], d: Dicts): ListenBatch {
  const c = allocBatch(evs.length);
  evs.forEach((e, i) => {
    c.user[i] = d.users.id(e.user);
    c.track[i] = d.track(e.track, null, e.artist, e.genre, e.mood);
    c.artist[i] = d.artists.id(e.artist);
    c.ts[i] = e.ts;
    c.ms[i] = e.ms;
    c.action[i] = actionCode(e.action);
  });
  return { n: evs.length, ...c };
}

/** Feeds listens in batches of 500, flushing after each into a model store. */
function run(evs: readonly Ev[], config: EngineConfig = DEFAULT_CONFIG): { engine: Engine; views: MemoryViews } {
  const engine = new Engine(config);
  const views = new MemoryViews();
  for (let i = 0; i < evs.length; i += 500) {
    engine.apply(batch(evs.slice(i, i + 500), engine.dicts));
    views.apply(engine.flush(), engine.dicts);
  }
  return { engine, views };
}

const VIEWS = ['trending_tracks_rows', 'action_counts_rows', 'active_users_rows', 'user_profiles_rows', 'sessions_rows'];

function sameViews(a: MemoryViews, b: MemoryViews, except: string[] = []): void {
  for (const t of VIEWS.filter((v) => !except.includes(v))) {
    const x = a.rows(t);
    const y = b.rows(t);
    assert.ok(x.length > 0, `${t} has rows`);
    assert.deepEqual(y, x, `${t} differs`);
  }
}


const evs = await world(20_000);

test('listens shuffled within the lateness give the same views as in order', () => {
  const r = seededRandom(1);
  const L = DEFAULT_CONFIG.lateness;
  // Arrival = event time + a random delay below the lateness: every listen arrives before the watermark passes it.
  const shuffled = evs.map((e) => ({ e, at: e.ts + r() * L })).sort((a, b) => a.at - b.at).map((x) => x.e);
  let inversions = 0;
  for (let i = 1; i < shuffled.length; i++) if (shuffled[i]!.ts < shuffled[i - 1]!.ts) inversions++;
  assert.ok(inversions > 1000, `the shuffle reorders listens (${inversions} inversions)`);
  const a = run(evs);
  const b = run(shuffled);
  assert.equal(a.engine.counters.late, 0);
  assert.equal(b.engine.counters.late, 0);
  assert.equal(b.engine.counters.accepted, evs.length);
  sameViews(a.views, b.views);
});

test('listens later than the lateness are counted in late_listens, not silently lost', () => {
  // 40 listens from the first half arrive at the very end, hours after the watermark passed them.
  const held = new Set(Array.from({ length: 40 }, (_, i) => 500 + i * 200));
  const late = evs.filter((_, i) => held.has(i));
  const order = [...evs.filter((_, i) => !held.has(i)), ...late];
  const r = run(order);
  assert.equal(r.engine.counters.late, 40);
  assert.equal(r.engine.counters.accepted, evs.length - 40);
  assert.equal(r.engine.counters.events_in, evs.length);
  const lateRows = r.views.rows('late_listens_rows').map((x) => JSON.parse(x) as number[]);
  assert.equal(lateRows.reduce((s, x) => s + x[2]!, 0), 40, 'late_listens counts all 40');
  const hours = new Set(late.map((e) => Math.floor(e.ts / 3_600_000) * 3_600_000));
  assert.deepEqual(new Set(lateRows.map((x) => x[0])), hours, 'by the hour of their event time');
  assert.ok(lateRows.every((x) => x[3]! > DEFAULT_CONFIG.lateness), 'each was later than the lateness');
  // The windows are those of the stream without them: they were left out, not half-applied.
  sameViews(run(order.slice(0, -40)).views, r.views);
});

test('a late listen within the lateness updates a window already emitted, and the change is emitted', () => {
  const e = new Engine(DEFAULT_CONFIG);
  const t0 = Date.UTC(2026, 1, 1, 12, 0, 0);
  const ev = (user: string, dt: number): Ev => ({ user, track: 'song:x', artist: 'A', genre: 'Pop', mood: 'Happy', ts: t0 + dt, ms: 1000, action: 'complete' });
  e.apply(batch([ev('u1', 0), ev('u2', 30_000), ev('u3', 65_000)], e.dicts));
  const first = e.flush();
  const trending = (c: typeof first) => {
    const b = c.rows.get(VIEW_TABLES.trending_tracks.table)!;
    return Array.from({ length: b.n }, (_, r) => [b.cols[0]![r]! - t0, b.cols[4]![r]!]);
  };
  // The 5-minute window starting at 12:00 holds three plays so far.
  assert.deepEqual(trending(first).find((x) => x[0] === 0), [0, 3]);
  // 5 s behind the latest listen (within the 10 s lateness): accepted, and the 12:00 window is emitted again.
  e.apply(batch([ev('u4', 60_000)], e.dicts));
  assert.equal(e.counters.late, 0);
  const second = e.flush();
  assert.deepEqual(trending(second).find((x) => x[0] === 0), [0, 4]);
  // 20 s behind: beyond the lateness, counted late; the window is not emitted again.
  e.apply(batch([ev('u5', 45_000)], e.dicts));
  assert.equal(e.counters.late, 1);
  assert.equal(trending(e.flush()).length, 0);
});

test('a late listen that bridges two sessions merges them and deletes the absorbed row', () => {
  const config = parseConfig({ lateness: '2h' });
  const e = new Engine(config);
  const views = new MemoryViews();
  const t0 = Date.UTC(2026, 1, 1, 8, 0, 0);
  const min = 60_000;
  const ev = (dt: number): Ev => ({ user: 'u', track: `song:${dt}`, artist: 'A', genre: null, mood: null, ts: t0 + dt, ms: min, action: 'complete' });
  e.apply(batch([ev(0), ev(62 * min)], e.dicts)); // 61 minutes of silence between them: two sessions
  views.apply(e.flush(), e.dicts);
  assert.equal(views.rows('sessions_rows').length, 2);
  e.apply(batch([ev(31 * min)], e.dicts)); // 30 min after the first ends, 30 min before the second starts
  views.apply(e.flush(), e.dicts);
  const rows = views.rows('sessions_rows').map((x) => JSON.parse(x) as unknown[]);
  assert.equal(rows.length, 1, 'one session remains');
  assert.deepEqual(rows[0]!.slice(0, 4), ['u', t0, t0 + 63 * min, 3]);
});
