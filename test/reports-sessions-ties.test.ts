// Sessions when many listens of a user start at the same instant. The session reports order a user's
// listens by start time alone (src/reports/activity/sessions.sql): listens that start together share a
// session whatever their order. Random listens with many shared starts, some with a session_id, are
// cut into sessions here by a plain loop that visits ties in a shuffled order, and `sessions` and
// `session_summary` must agree with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { seededRandom } from '../src/ml/random.js';
import { tempDir } from './helpers/lake.js';
import { runAndRead, writeFiles } from './helpers/reports.js';

interface L {
  user: string;
  start: number;
  ms: number;
  sid: string | null;
  track: string;
}

const DAY = Date.UTC(2026, 2, 2);
const GAP_MS = 30 * 60_000;
const wall = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** The sessions of one user's listens, cut by a loop over them sorted by start with ties shuffled. */
function cut(ls: L[], rand: () => number): { start: number; minutes: number; tracks: number }[] {
  const order = ls.map((l) => ({ l, r: rand() })).sort((a, b) => a.l.start - b.l.start || a.r - b.r).map((x) => x.l);
  const sessions = new Map<string, { start: number; end: number; tracks: number }>();
  let maxEnd = -Infinity;
  let n = 0;
  for (const l of order) {
    if (l.start - maxEnd > GAP_MS) n++;
    maxEnd = Math.max(maxEnd, l.start + l.ms);
    const key = l.sid === null ? `gap:${n}` : `id:${l.sid}`;
    const s = sessions.get(key) ?? { start: l.start, end: l.start + l.ms, tracks: 0 };
    s.start = Math.min(s.start, l.start);
    s.end = Math.max(s.end, l.start + l.ms);
    s.tracks++;
    sessions.set(key, s);
  }
  return [...sessions.values()].map((s) => ({ start: s.start, minutes: (s.end - s.start) / 60_000, tracks: s.tracks }));
}

/** The longest of sessions: most minutes, then the earliest start. */
const longest = <T extends { start: number; minutes: number }>(ss: T[]): T => ss.reduce((a, b) => (b.minutes > a.minutes || (b.minutes === a.minutes && b.start < a.start) ? b : a));

test('sessions and session_summary with many listens starting at the same instant agree with a loop that visits ties in any order', async () => {
  const rand = seededRandom(20261122);
  const listens: L[] = [];
  for (const user of ['ua', 'ub', 'uc', 'ud']) {
    for (let i = 0; i < 80; i++) {
      // Starts on a 10-minute grid (many shared; gaps from none to hours, some exactly 30 minutes after
      // the end of the listen before), durations in whole minutes (0 for some).
      const start = DAY + Math.floor(rand() * 150) * 10 * 60_000;
      const ms = [0, 60_000, 180_000, 600_000, 2_400_000][Math.floor(rand() * 5)]!;
      const sid = rand() < 0.15 ? `s${Math.floor(rand() * 3)}` : null;
      listens.push({ user, start, ms, sid, track: `t${Math.floor(rand() * 1000)}` });
    }
  }
  // No two listens of a user share start and track (they would be one listen).
  const seen = new Set<string>();
  const unique = listens.filter((l) => !seen.has(`${l.user}|${l.start}|${l.track}`) && seen.add(`${l.user}|${l.start}|${l.track}`));
  const ties = unique.length - new Set(unique.map((l) => `${l.user}|${l.start}`)).size;
  assert.ok(ties > 40, `the data has many shared starts (${ties})`);

  const { dir, cleanup } = await tempDir();
  try {
    const body = unique
      .map((l) => JSON.stringify({ user_id: l.user, listened_at: new Date(l.start).toISOString(), track_name: l.track, artist_name: 'A', ms_played: l.ms, ...(l.sid ? { session_id: l.sid } : {}) }))
      .join('\n');
    const data = join(dir, 'data');
    await runImport({ inputs: await writeFiles(join(dir, 'in'), { 'listens.ndjson': `${body}\n` }), dataDir: data });
    const { rows } = await runAndRead({ dataDir: data, names: ['sessions', 'session_summary'] });

    const all: { user: string; start: number; minutes: number; tracks: number }[] = [];
    const byUser = new Map<string, ReturnType<typeof cut>>();
    for (const user of ['ua', 'ub', 'uc', 'ud']) {
      const ss = cut(unique.filter((l) => l.user === user), rand);
      byUser.set(user, ss);
      all.push(...ss.map((s) => ({ user, ...s })));
    }
    assert.ok(all.length > 4 * 5, `several sessions per user (${all.length})`);
    const got = rows['sessions']!;
    assert.deepEqual(got.map((r) => r['user_id']), ['ua', 'ub', 'uc', 'ud']);
    for (const r of got) {
      const ss = byUser.get(String(r['user_id']))!;
      const top = longest(ss);
      assert.equal(r['sessions'], ss.length, `sessions of ${String(r['user_id'])}`);
      assert.equal(r['longest_minutes'], top.minutes, `longest of ${String(r['user_id'])}`);
      assert.equal(r['longest_started'], wall(top.start));
      const mean = ss.reduce((a, s) => a + s.minutes, 0) / ss.length;
      assert.ok(Math.abs(Number(r['avg_minutes']) - mean) <= 0.05 + 1e-9, `avg_minutes ${String(r['avg_minutes'])} vs ${mean}`);
      const tracks = ss.reduce((a, s) => a + s.tracks, 0) / ss.length;
      assert.ok(Math.abs(Number(r['avg_tracks']) - tracks) <= 0.005 + 1e-9, `avg_tracks ${String(r['avg_tracks'])} vs ${tracks}`);
    }
    const [sum] = rows['session_summary']!;
    const top = longest(all);
    assert.equal(sum!['sessions'], all.length);
    assert.equal(sum!['users'], 4);
    assert.equal(sum!['longest_minutes'], top.minutes);
    assert.equal(sum!['longest_started'], wall(top.start));
    assert.equal(sum!['longest_user'], top.user);
  } finally {
    await cleanup();
  }
});
