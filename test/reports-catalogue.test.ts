// The catalogue group on the tiny stream of helpers/tiny-events.ts; answers worked out by hand.
// Catalogue: t1 Alpha/Ann Pop pop 80 2025-05-01 dance .2 energy .5 tempo 100 loud -10
//            t2 Beta/Ann Rock pop 50 2018 dance .6 energy .7 tempo 140 loud -5
//            t3 Gamma/Bob Pop pop 10 2000-01-01 dance 1 energy .9 tempo 120 loud -20
//            t4 Delta/Cyd Jazz (nothing else) · t6 Epsilon/Dee Rock pop 70 2026-01-10 dance .4 energy .1 tempo 80 loud -30
// Plays: t1 ×4 (ua ua ua ub; 3 complete), t2 ×3 (ua skip, ub, ua), t3 ×3 (ua, uc skip, uc), t4 ×1 (ub skip), t5 ×1 (ua, not catalogued).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAndRead, tuples } from './helpers/reports.js';
import { tinyEventsGroup } from './helpers/tiny-events.js';

const world = tinyEventsGroup('catalogue');

test('genre_performance: plays, listeners, minutes, skip rate and mean audio features per genre', () => {
  const cols = ['genre', 'tracks', 'plays', 'listeners', 'minutes', 'skip_rate', 'avg_danceability', 'avg_energy', 'avg_valence', 'avg_tempo', 'avg_loudness', 'avg_popularity'];
  assert.deepEqual(tuples(world.rows()['genre_performance']!, cols), [
    // Pop = t1 + t3: 7 plays, ua ub uc, (600 + 600) s = 20 min, skip e10 = 1/7; features (t1 + t3) / 2
    ['Pop', 2, 7, 3, 20, 0.1429, 0.6, 0.7, null, 110, -15, 45],
    // Rock = t2 + t6 (never played): 3 plays, ua ub, 360 s = 6 min, skip e2 = 1/3; features (t2 + t6) / 2
    ['Rock', 2, 3, 2, 6, 0.3333, 0.5, 0.4, null, 110, -17.5, 60],
    // Jazz = t4: e8 skip, no duration, no features
    ['Jazz', 1, 1, 1, 0, 1, null, null, null, null, null, null],
  ]);
});

test('artist_performance: growth and rank change between the two halves of the range', async () => {
  // No --from/--to: first listen 03-02 08:00, last 03-09 00:10 → middle 03-05 16:05. First half e1-e9 + e12,
  // second half e10 e11 (Bob). Ranks by half: first Ann 7 → 1, Bob 1 and Cyd 1 → 2; second Bob 2 → 1.
  const cols = ['artist_name', 'plays', 'listeners', 'minutes', 'first_half_plays', 'second_half_plays', 'growth', 'first_half_rank', 'second_half_rank', 'rank_change'];
  assert.deepEqual(tuples(world.rows()['artist_performance']!, cols), [
    ['Ann', 7, 2, 16, 7, 0, -1, 1, null, null], // (0 - 7) / 7
    ['Bob', 3, 2, 10, 1, 2, 1, 2, 1, 1], // (2 - 1) / 1; climbed from 2 to 1
    ['Cyd', 1, 1, 0, 1, 0, -1, 2, null, null],
  ]);
  // --from 2026-03-04 --to 2026-03-09 (to 03-10 00:00): middle 03-07 00:00; in range e9 e12 (Ann, first
  // half) and e10 e11 (Bob, second half).
  const { rows: r } = await runAndRead({ dataDir: world.data(), names: ['artist_performance'], from: '2026-03-04', to: '2026-03-09' });
  assert.deepEqual(tuples(r['artist_performance']!, cols), [
    ['Ann', 2, 2, 6, 2, 0, -1, 1, null, null],
    ['Bob', 2, 1, 5, 0, 2, null, null, 1, null],
  ]);
});

test('country_charts: top songs per country, ties by song_id, --param limit', async () => {
  assert.deepEqual(tuples(world.rows()['country_charts']!, ['country', 'rank', 'song_id', 'title', 'artist_name', 'plays', 'listeners']), [
    ['DE', 1, 't1', 'Alpha', 'Ann', 3, 1], // e1 e3 e6
    ['DE', 2, 't2', 'Beta', 'Ann', 2, 1], // e2 e12
    ['DE', 3, 't3', 'Gamma', 'Bob', 1, 1], // e4
    ['DE', 4, 't5', null, null, 1, 1], // e5
    ['FR', 1, 't1', 'Alpha', 'Ann', 1, 1], // e7, e9, e8: one play each → by song_id
    ['FR', 2, 't2', 'Beta', 'Ann', 1, 1],
    ['FR', 3, 't4', 'Delta', 'Cyd', 1, 1],
  ]);
  const { rows: r } = await runAndRead({ dataDir: world.data(), names: ['country_charts'], params: { limit: '1' } });
  assert.deepEqual(tuples(r['country_charts']!, ['country', 'rank', 'song_id']), [['DE', 1, 't1'], ['FR', 1, 't1']]);
});

test('unique_songs: how much of the catalogue is heard', () => {
  // played t1..t5 = 5; catalogue t1 t2 t3 t4 t6 = 5, of which t1..t4 played (4/5 = 0.8), t6 never; t5 is
  // outside the catalogue; one listener: t4 (ub), t5 (ua); one play: t4, t5.
  assert.deepEqual(world.rows()['unique_songs'], [
    { songs_played: 5, catalogue_songs: 5, catalogue_songs_played: 4, catalogue_songs_never_played: 1, catalogue_coverage: 0.8, songs_not_in_catalogue: 1, single_listener_songs: 2, single_play_songs: 2 },
  ]);
});

test('track_categories: age to the end of the range and popularity bands', async () => {
  const cols = ['song_id', 'release_year', 'age_years', 'age_category', 'popularity', 'popularity_category', 'plays'];
  // The range ends with the latest listen, in 2026.
  assert.deepEqual(tuples(world.rows()['track_categories']!, cols), [
    ['t1', 2025, 1, 'new', 80, 'hit', 4],
    ['t2', 2018, 8, 'established', 50, 'popular', 3],
    ['t3', 2000, 26, 'classic', 10, 'niche', 3],
    ['t4', null, null, 'unknown', null, 'unknown', 1],
    ['t6', 2026, 0, 'new', 70, 'hit', 0],
  ]);
  // --to 2030-12-31: ages from 2030 → t1 5 recent, t2 12 established, t3 30 classic, t6 4 recent.
  const { rows: r } = await runAndRead({ dataDir: world.data(), names: ['track_categories'], to: '2030-12-31' });
  assert.deepEqual(tuples(r['track_categories']!, ['song_id', 'age_years', 'age_category']), [['t1', 5, 'recent'], ['t2', 12, 'established'], ['t3', 30, 'classic'], ['t4', null, 'unknown'], ['t6', 4, 'recent']]);
});

test('audio_features_scaled: min-max over the catalogue to [0, 1]', () => {
  // danceability .2 .6 1 .4 → min .2, span .8; energy .5 .7 .9 .1 → min .1, span .8;
  // tempo 100 140 120 80 → min 80, span 60; loudness -10 -5 -20 -30 → min -30, span 25. t4 has none: left out.
  assert.deepEqual(tuples(world.rows()['audio_features_scaled']!, ['song_id', 'danceability', 'energy', 'valence', 'tempo', 'loudness']), [
    ['t1', 0, 0.5, null, 0.3333, 0.8], // (100-80)/60, (-10+30)/25
    ['t2', 0.5, 0.75, null, 1, 1],
    ['t3', 1, 1, null, 0.6667, 0.4], // (120-80)/60, (-20+30)/25
    ['t6', 0.25, 0, null, 0, 0],
  ]);
});
