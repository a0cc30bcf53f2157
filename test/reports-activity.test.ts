// The activity group on the tiny 12-event stream of helpers/tiny-events.ts; answers worked out by hand.
// Events (user, UTC start, track, action, platform, place, session):
//   e1 ua 03-02 08:00 t1 complete ios Berlin sA1 · e2 ua 08:03:20 t2 skip ios Berlin sA1 · e3 ua 08:04 t1 complete ios Berlin sA1
//   e4 ua 20:00 t3 complete web Berlin · e5 ua 20:10 t5 pause web DE · e6 ua 21:00 t1 play web DE
//   e7 ub 03-03 09:00 t1 complete android Paris sB1 · e8 ub 09:10 t4 skip android Paris sB1 · e9 ub 03-04 09:00 t2 complete android Lyon sB2
//   e10 uc 03-08 23:30 t3 skip · e11 uc 03-09 00:10 t3 complete · e12 ua 03-04 10:00 t2 complete ios Berlin sA2
// Minutes count completed plays only: t1 200 s, t2 180 s, t3 300 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAndRead, tuples } from './helpers/reports.js';
import { tinyEventsGroup } from './helpers/tiny-events.js';

const world = tinyEventsGroup('activity');

test('action_counts', () => {
  // 12 plays: complete e1 e3 e4 e7 e9 e11 e12 = 7 (7/12 = 0.5833), skip e2 e8 e10 = 3 (0.25), pause e5, play e6 (1/12 = 0.0833)
  assert.deepEqual(tuples(world.rows()['action_counts']!, ['action', 'plays', 'share']), [['complete', 7, 0.5833], ['skip', 3, 0.25], ['pause', 1, 0.0833], ['play', 1, 0.0833]]);
});

test('top_songs', () => {
  assert.deepEqual(tuples(world.rows()['top_songs']!, ['song_id', 'title', 'artist_name', 'plays', 'listeners', 'minutes']), [
    ['t1', 'Alpha', 'Ann', 4, 2, 10], // e1 e3 e6 e7; ua ub; 3 completes × 200 s = 600 s = 10 min
    ['t2', 'Beta', 'Ann', 3, 2, 6], // e2 e9 e12; 2 × 180 s = 6 min
    ['t3', 'Gamma', 'Bob', 3, 2, 10], // e4 e10 e11; ua uc; 2 × 300 s = 10 min
    ['t4', 'Delta', 'Cyd', 1, 1, 0], // e8 skip: no duration
    ['t5', null, null, 1, 1, 0], // e5: not in the catalogue, no names
  ]);
});

test('top_artists', () => {
  assert.deepEqual(tuples(world.rows()['top_artists']!, ['artist_name', 'plays', 'listeners', 'tracks', 'minutes']), [
    ['Ann', 7, 2, 2, 16], // t1 4 + t2 3; 10 + 6 min
    ['Bob', 3, 2, 1, 10],
    ['Cyd', 1, 1, 1, 0], // t5 has no artist and is left out
  ]);
});

test('active_users', () => {
  assert.deepEqual(tuples(world.rows()['active_users']!, ['user_id', 'plays', 'minutes', 'active_days', 'tracks', 'first_listen', 'last_listen']), [
    ['ua', 7, 14.7, 2, 4, '2026-03-02 08:00:00', '2026-03-04 10:00:00'], // (200+200+300+180) s = 880 s = 14.67 min; days 03-02, 03-04; t1 t2 t3 t5
    ['ub', 3, 6.3, 2, 3, '2026-03-03 09:00:00', '2026-03-04 09:00:00'], // 380 s = 6.33 min
    ['uc', 2, 5, 2, 1, '2026-03-08 23:30:00', '2026-03-09 00:10:00'], // 300 s
  ]);
});

test('platform_usage', () => {
  assert.deepEqual(tuples(world.rows()['platform_usage']!, ['platform', 'plays', 'listeners', 'minutes', 'share']), [
    ['ios', 4, 1, 9.7, 0.3333], // e1 e2 e3 e12: 580 s = 9.67 min; 4/12
    ['android', 3, 1, 6.3, 0.25], // e7 e8 e9: 380 s
    ['web', 3, 1, 5, 0.25], // e4 e5 e6: 300 s
    ['unknown', 2, 1, 5, 0.1667], // e10 e11 have no device
  ]);
});

test('country_distribution and city_distribution', () => {
  assert.deepEqual(tuples(world.rows()['country_distribution']!, ['country', 'plays', 'listeners', 'share']), [['DE', 7, 1, 0.5833], ['FR', 3, 1, 0.25], ['unknown', 2, 1, 0.1667]]);
  // Cities: Berlin e1 e2 e3 e4 e12 = 5 (5/12 = 0.4167), Paris e7 e8 = 2, Lyon e9 = 1; e5 e6 say only "DE".
  assert.deepEqual(tuples(world.rows()['city_distribution']!, ['country', 'city', 'plays', 'listeners', 'share']), [['DE', 'Berlin', 5, 1, 0.4167], ['FR', 'Paris', 2, 1, 0.1667], ['FR', 'Lyon', 1, 1, 0.0833]]);
});

test('hourly_activity: all 24 hours', () => {
  const h = world.rows()['hourly_activity']!;
  assert.equal(h.length, 24);
  const nonzero = tuples(h.filter((r) => Number(r['plays']) > 0), ['hour', 'plays', 'listeners', 'share']);
  // 00 e11; 08 e1 e2 e3; 09 e7 e8 e9; 10 e12; 20 e4 e5; 21 e6; 23 e10
  assert.deepEqual(nonzero, [[0, 1, 1, 0.0833], [8, 3, 1, 0.25], [9, 3, 1, 0.25], [10, 1, 1, 0.0833], [20, 2, 1, 0.1667], [21, 1, 1, 0.0833], [23, 1, 1, 0.0833]]);
});

test('weekday_hour_activity: all 168 cells', () => {
  const w = world.rows()['weekday_hour_activity']!;
  assert.equal(w.length, 168);
  assert.deepEqual(w.slice(0, 2).map((r) => [r['weekday'], r['weekday_name'], r['hour']]), [[1, 'Mon', 0], [1, 'Mon', 1]]);
  // Mon 03-02 08 ×3, 20 ×2, 21 ×1; Tue 03-03 09 ×2; Wed 03-04 09, 10; Sun 03-08 23; Mon 03-09 00
  assert.deepEqual(tuples(w.filter((r) => Number(r['plays']) > 0), ['weekday_name', 'hour', 'plays']), [
    ['Mon', 0, 1], ['Mon', 8, 3], ['Mon', 20, 2], ['Mon', 21, 1], ['Tue', 9, 2], ['Wed', 9, 1], ['Wed', 10, 1], ['Sun', 23, 1],
  ]);
});

test('sessions: session_id where given, else a gap of more than 30 minutes', () => {
  // ua: sA1 = e1..e3, 08:00 → 08:07:20 (e3 ends 08:04 + 200 s) = 7.33 min, 3 tracks; e4 20:00 opens a
  // session (hours after sA1), e5 20:10 joins it (5 min after e4 ended at 20:05) → 20:00-20:10 = 10 min,
  // 2 tracks; e6 21:00 is 50 min after → alone, 0 min; sA2 = e12, 3 min. 4 sessions, mean
  // (7.33 + 10 + 0 + 3) / 4 = 5.08 min, mean tracks 7/4 = 1.75, longest 10 min from 20:00.
  // ub: sB1 = e7 + e8 (the skip at 09:10 ends the session) = 10 min, 2 tracks; sB2 = e9, 3 min.
  // uc: e10 skip 23:30 (no duration: ends at its start), e11 00:10 is 40 min later → 2 sessions, 0 and 5 min.
  assert.deepEqual(tuples(world.rows()['sessions']!, ['user_id', 'sessions', 'avg_minutes', 'avg_tracks', 'longest_minutes', 'longest_started']), [
    ['ua', 4, 5.1, 1.75, 10, '2026-03-02 20:00:00'],
    ['ub', 2, 6.5, 1.5, 10, '2026-03-03 09:00:00'],
    ['uc', 2, 2.5, 1, 5, '2026-03-09 00:10:00'],
  ]);
});

test('session_summary: one row over all sessions', () => {
  // 8 sessions of 3 users; minutes 7.33, 10, 0, 3, 10, 3, 0, 5: mean 38.33 / 8 = 4.79, median (3 + 5) / 2 = 4;
  // tracks 3+2+1+1+2+1+1+1 = 12 → 1.5; the two 10-minute sessions tie: ua's started first.
  assert.deepEqual(tuples(world.rows()['session_summary']!, ['sessions', 'users', 'avg_minutes', 'median_minutes', 'avg_tracks', 'longest_minutes', 'longest_user', 'longest_started']), [
    [8, 3, 4.8, 4, 1.5, 10, 'ua', '2026-03-02 20:00:00'],
  ]);
});

test('sessions with --param gap_minutes=45 joins uc\'s two listens', async () => {
  // uc: e11 starts 40 min after e10 ended → same session, 23:30 → 00:15 = 45 min, 2 tracks. ua's e6 is
  // still 50 min after e5: unchanged.
  const { rows: r } = await runAndRead({ dataDir: world.data(), names: ['sessions'], params: { gap_minutes: '45' } });
  assert.deepEqual(tuples(r['sessions']!, ['user_id', 'sessions', 'avg_minutes', 'avg_tracks', 'longest_minutes', 'longest_started']).at(-1), ['uc', 1, 45, 2, 45, '2026-03-08 23:30:00']);
});

test('skip_rates: per artist, genre, platform, song and user', () => {
  assert.deepEqual(tuples(world.rows()['skip_rates']!, ['dimension', 'key', 'plays', 'skips', 'completions', 'skip_rate', 'completion_rate']), [
    ['artist', 'Ann', 7, 1, 5, 0.1429, 0.7143], // t1 ×4 + t2 ×3: skip e2; complete e1 e3 e7 e9 e12
    ['artist', 'Bob', 3, 1, 2, 0.3333, 0.6667],
    ['artist', 'Cyd', 1, 1, 0, 1, 0],
    ['genre', 'Pop', 7, 1, 5, 0.1429, 0.7143], // t1 + t3: skip e10; complete e1 e3 e7 e4 e11
    ['genre', 'Rock', 3, 1, 2, 0.3333, 0.6667],
    ['genre', 'Jazz', 1, 1, 0, 1, 0],
    ['platform', 'ios', 4, 1, 3, 0.25, 0.75],
    ['platform', 'android', 3, 1, 2, 0.3333, 0.6667],
    ['platform', 'web', 3, 0, 1, 0, 0.3333], // e4 complete, e5 pause, e6 play
    ['platform', 'unknown', 2, 1, 1, 0.5, 0.5],
    ['song', 't1', 4, 0, 3, 0, 0.75],
    ['song', 't2', 3, 1, 2, 0.3333, 0.6667],
    ['song', 't3', 3, 1, 2, 0.3333, 0.6667],
    ['song', 't4', 1, 1, 0, 1, 0],
    ['song', 't5', 1, 0, 0, 0, 0],
    ['user', 'ua', 7, 1, 4, 0.1429, 0.5714],
    ['user', 'ub', 3, 1, 2, 0.3333, 0.6667],
    ['user', 'uc', 2, 1, 1, 0.5, 0.5],
  ]);
});

test('skip_rates --param min_plays=3 drops keys with fewer plays', async () => {
  const { rows: r } = await runAndRead({ dataDir: world.data(), names: ['skip_rates'], params: { min_plays: '3' } });
  assert.deepEqual(tuples(r['skip_rates']!, ['dimension', 'key']), [
    ['artist', 'Ann'], ['artist', 'Bob'], ['genre', 'Pop'], ['genre', 'Rock'], ['platform', 'ios'], ['platform', 'android'], ['platform', 'web'],
    ['song', 't1'], ['song', 't2'], ['song', 't3'], ['user', 'ua'], ['user', 'ub'],
  ]);
});
