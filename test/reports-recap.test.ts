// The recap report on the tiny stream of helpers/tiny-events.ts (answers by hand), and `earshot recap`
// as a command. ua's listens: e1 03-02 08:00 t1 complete, e2 08:03:20 t2 skip, e3 08:04 t1 complete,
// e4 20:00 t3 complete, e5 20:10 t5 pause, e6 21:00 t1 play, e12 03-04 10:00 t2 complete.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../src/cli/main.js';
import { buildRecap, toRecapRows } from '../src/reports/recap.js';
import { tempDir } from './helpers/lake.js';
import { runAndRead, tuples } from './helpers/reports.js';
import { importTinyEvents } from './helpers/tiny-events.js';

let data = '';
let cleanup: () => Promise<void> = async () => undefined;
before(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  data = await importTinyEvents(t.dir);
});
after(() => cleanup());

test('recap of ua over all time, fact by fact', async () => {
  const { rows } = await runAndRead({ dataDir: data, names: ['recap'], params: { user: 'ua' } });
  assert.deepEqual(tuples(rows['recap']!, ['section', 'rank', 'label', 'value', 'detail']), [
    ['user', null, 'ua', null, null],
    ['minutes', null, null, 14.7, null], // (200 + 200 + 300 + 180) s = 880 s = 14.67 min
    ['plays', null, null, 7, null],
    ['tracks', null, null, 4, null], // t1 t2 t3 t5
    ['artists', null, null, 2, null], // Ann, Bob (t5 has no artist)
    ['genres', null, null, 2, null], // Pop, Rock
    ['skip_rate', null, null, 0.1429, null], // e2: 1/7
    ['top_track', 1, 'Alpha', 3, 'Ann'], // e1 e3 e6
    ['top_track', 2, 'Beta', 2, 'Ann'], // e2 e12
    ['top_track', 3, 'Gamma', 1, 'Bob'], // 'Gamma' sorts before 'song:t5'
    ['top_track', 4, 'song:t5', 1, null], // no title anywhere: the track key
    ['top_artist', 1, 'Ann', 5, null],
    ['top_artist', 2, 'Bob', 1, null],
    ['top_genre', 1, 'Pop', 4, null], // t1 ×3 + t3
    ['top_genre', 2, 'Rock', 2, null],
    ['top_mood', 1, 'Happy', 3, null],
    ['top_mood', 2, 'Sad', 2, null],
    ['top_mood', 3, 'Chill', 1, null],
    ['clock', 8, 'Mon 08', 3, null], // cell (weekday - 1) * 24 + hour
    ['clock', 20, 'Mon 20', 2, null],
    ['clock', 21, 'Mon 21', 1, null],
    ['clock', 58, 'Wed 10', 1, null], // (3 - 1) * 24 + 10
    ['new_artists', null, null, 2, null], // no --from: every artist is new
    ['new_artist', 1, 'Ann', 5, '2026-03-02'],
    ['new_artist', 2, 'Bob', 1, '2026-03-02'],
    ['longest_streak', null, '2026-03-02', 1, '2026-03-02'], // days 03-02 and 03-04: two 1-day streaks, the first wins
    ['sessions', null, null, 4, null], // sA1, e4+e5, e6, sA2
    ['longest_session', null, '2026-03-02 20:00', 10, null], // e4 20:00 → e5 20:10
    ['longest_session_tracks', null, '2026-03-02 20:00', 2, null],
    ['peak_hour', null, 'early bird', 8, '3'], // 08:00 holds 3 plays
    ['platform', 1, 'ios', 4, '1'], // e1 e2 e3 e12; e2 skipped
    ['platform', 2, 'web', 3, '0'], // e4 e5 e6
    ['platform_skip_rate', 1, 'ios', 0.25, null],
    ['platform_skip_rate', 2, 'web', 0, null],
  ]);
  const recap = buildRecap(toRecapRows(rows['recap']!));
  assert.equal(recap.clock[0]![8], 3);
  assert.equal(recap.clock[2]![10], 1);
  assert.deepEqual(recap.longestSession, { started: '2026-03-02 20:00', minutes: 10, tracks: 2 });
  assert.deepEqual(recap.platforms, [
    { platform: 'ios', plays: 4, skips: 1, skipRate: 0.25 },
    { platform: 'web', plays: 3, skips: 0, skipRate: 0 },
  ]);
});

test('recap: the default user is the one with the most plays; new artists need a first listen in the range', async () => {
  const dflt = await runAndRead({ dataDir: data, names: ['recap'] });
  assert.equal(dflt.rows['recap']![0]!['label'], 'ua'); // ua 7, ub 3, uc 2
  // From 03-04 ua has only e12 (Beta by Ann), and ua first heard Ann on 03-02: nothing new.
  const late = await runAndRead({ dataDir: data, names: ['recap'], params: { user: 'ua' }, from: '2026-03-04' });
  const r = buildRecap(toRecapRows(late.rows['recap']!));
  assert.equal(r.plays, 1);
  assert.equal(r.minutes, 3);
  assert.equal(r.newArtists.count, 0);
  // uc from 03-08: e10 + e11 (40 min apart, so two sessions); both 03-08 23:30 and 03-09 00:10 → a 2-day streak;
  // Bob is new (first heard 03-08). Peak hour: 23 and 00 hold one play each → 00 (the earlier hour), a night owl.
  const uc = buildRecap(toRecapRows((await runAndRead({ dataDir: data, names: ['recap'], params: { user: 'uc' }, from: '2026-03-08' })).rows['recap']!));
  assert.deepEqual([uc.plays, uc.skipRate, uc.sessions, uc.newArtists.count], [2, 0.5, 2, 1]);
  assert.deepEqual(uc.longestStreak, { days: 2, from: '2026-03-08', to: '2026-03-09' });
  assert.deepEqual(uc.peakHour, { hour: 0, plays: 1, kind: 'night owl' });
  assert.deepEqual(uc.platforms, [{ platform: 'unknown', plays: 2, skips: 1, skipRate: 0.5 }]); // e10 e11 have no device
});

/** Runs the CLI in-process and returns what it printed and its exit code. */
async function cli(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => out.push(a.join(' '));
  console.error = (...a: unknown[]) => err.push(a.join(' '));
  const before = process.exitCode;
  try {
    process.exitCode = 0;
    await main(['node', 'earshot', ...args]);
    return { out: out.join('\n'), err: err.join('\n'), code: Number(process.exitCode ?? 0) };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = before;
  }
}

test('earshot recap USER prints the recap, --json gives the same facts as an object', async () => {
  const text = await cli(['recap', 'ub', '--data', data]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /Recap for ub/);
  assert.match(text.out, /3 plays · 3 tracks · 2 artists · 3 genres/); // t1 Pop, t4 Jazz, t2 Rock
  const json = await cli(['recap', 'ub', '--data', data, '--json', '--tz', 'Europe/Berlin']);
  const r = JSON.parse(json.out) as { user: string; plays: number; topArtists: { name: string; plays: number }[]; range: { tz: string }; peakHour: { hour: number } };
  assert.equal(r.user, 'ub');
  assert.equal(r.plays, 3);
  assert.deepEqual(r.topArtists.map((a) => [a.name, a.plays]), [['Ann', 2], ['Cyd', 1]]);
  assert.equal(r.range.tz, 'Europe/Berlin');
  assert.equal(r.peakHour.hour, 10); // 09:00 UTC is 10:00 in Berlin (CET) for all three
  const nobody = await cli(['recap', 'zz', '--data', data]);
  assert.equal(nobody.code, 1);
  assert.match(nobody.err, /no listens of user zz/);
});
