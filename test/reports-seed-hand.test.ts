// The seven seed-insights reports on a 16-listen dataset whose answers were worked out by hand.
// 2025-03-20 is a Thursday; ISO week 13 runs from Monday 2025-03-24 00:00 to 2025-03-31 00:00 (UTC).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { tempDir } from './helpers/lake.js';
import { runAndRead, tuples, writeFiles } from './helpers/reports.js';

const SONGS = `song_id,title,artist,genre,mood
s1,One,A1,Pop,Happy
s2,Two,A1,Rock,Sad
s3,Three,A2,Rock,Sad
s4,Four,A2,Jazz,Happy
s5,Five,A3,Pop,Happy
s6,Six,A3,Jazz,Chill
s7,Seven,A4,Classical,Happy
s8,Eight,A4,Classical,Happy
`;
// Row numbers (#) are used in the arithmetic below. s9 is not in the catalogue.
const LOGS = `user_id,song_id,timestamp,duration_sec
u1,s2,2025-03-20 10:00:00,100
u1,s2,2025-03-24 01:30:00,200
u1,s3,2025-03-21 12:00:00,150
u1,s1,2025-03-25 04:59:00,60
u2,s1,2025-03-24 09:00:00,30
u2,s4,2025-03-24 10:00:00,45.01
u2,s2,2025-03-22 23:00:00,120
u2,s3,2025-03-26 05:00:00,90
u3,s6,2025-03-23 00:00:00,200
u3,s6,2025-03-30 23:59:00,100
u3,s9,2025-03-27 02:00:00,300
u4,s3,2025-03-24 00:00:00,80
u4,s3,2025-03-20 08:00:00,81
u4,s5,2025-03-28 18:00:00,75.125
u5,s1,2025-03-21 03:00:00,40
u5,s4,2025-03-21 15:00:00,50
`;

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
before(async () => {
  ({ dir, cleanup } = await tempDir());
  await runImport({ inputs: await writeFiles(join(dir, 'in'), { 'listening_logs.csv': LOGS, 'songs_metadata.csv': SONGS }), dataDir: join(dir, 'data') });
});
after(() => cleanup());

const run = (names: string[], o: { params?: Record<string, string>; from?: string; to?: string; tz?: string } = {}) => runAndRead({ dataDir: join(dir, 'data'), names, ...o });

test('user_favorite_genres: most played genre per user, ties to the genre that sorts first, unknown tracks left out', async () => {
  const { rows } = await run(['user_favorite_genres']);
  assert.deepEqual(tuples(rows['user_favorite_genres']!, ['user_id', 'genre', 'play_count']), [
    ['u1', 'Rock', 3], // s2 Rock ×2 + s3 Rock ×1 = 3 against Pop (s1) 1
    ['u2', 'Rock', 2], // s2 + s3 = 2; Pop 1, Jazz 1
    ['u3', 'Jazz', 2], // s6 ×2; s9 is not in the catalogue and does not count
    ['u4', 'Rock', 2], // s3 ×2; Pop (s5) 1
    ['u5', 'Jazz', 1], // Jazz 1 = Pop 1: Jazz sorts first
  ]);
});

test('avg_listen_time_per_song: mean seconds, 2 decimals, half up on exact decimals', async () => {
  const { rows } = await run(['avg_listen_time_per_song']);
  assert.deepEqual(tuples(rows['avg_listen_time_per_song']!, ['song_id', 'avg_duration']), [
    ['s1', 43.33], // (60 + 30 + 40) / 3 = 43.333…
    ['s2', 140], // (100 + 200 + 120) / 3 = 140
    ['s3', 100.25], // (150 + 90 + 80 + 81) / 4 = 100.25
    ['s4', 47.51], // (45.01 + 50) / 2 = 47.505 → 47.51 (binary floating point would say 47.5)
    ['s5', 75.13], // 75.125 → 75.13
    ['s6', 150], // (200 + 100) / 2
    ['s9', 300], // unknown to the catalogue, still a song that was played
  ]);
});

test('top_songs_this_week: the ISO week of the latest listen, or --param week; ties by song_id; --param limit', async () => {
  // Latest listen: u3 s6 2025-03-30 23:59 (Sunday) → week 13 [03-24, 03-31). In it: s1 #4 #5 = 2,
  // s3 #8 #12 = 2, and s2 #2, s4 #6, s5 #14, s6 #10, s9 #11 once each.
  const wk13 = await run(['top_songs_this_week']);
  assert.deepEqual(tuples(wk13.rows['top_songs_this_week']!, ['song_id', 'plays']), [['s1', 2], ['s3', 2], ['s2', 1], ['s4', 1], ['s5', 1], ['s6', 1], ['s9', 1]]);
  // Week 12 [03-17, 03-24): s2 #1 #7 = 2, s3 #3 #13 = 2, s1 #15, s4 #16, s6 #9 = 1 each; limit 3.
  const wk12 = await run(['top_songs_this_week'], { params: { week: '2025-W12', limit: '3' } });
  assert.deepEqual(tuples(wk12.rows['top_songs_this_week']!, ['song_id', 'plays']), [['s2', 2], ['s3', 2], ['s1', 1]]);
  assert.equal(wk12.summary.outcomes[0]!.params['week'], '2025-W12 (from 2025-03-17)');
  // A week without listens: header only, and the run says so.
  const empty = await run(['top_songs_this_week'], { params: { week: '2024-W01' } });
  assert.equal(empty.rows['top_songs_this_week']!.length, 0);
  assert.equal(empty.summary.outcomes[0]!.note, 'no listens in the chosen week');
});

test('happy_recommendations: users whose top mood is Sad get up to 3 unplayed Happy songs, most played first', async () => {
  // Moods: u1 Sad 3 (s2 ×2, s3) > Happy 1 → Sad; u2 Happy 2 = Sad 2 → Happy sorts first → not Sad;
  // u3 Chill; u4 Sad 2 (s3 ×2) > Happy 1 → Sad; u5 Happy 2.
  // Happy songs by plays overall: s1 3 (#4 #5 #15), s4 2 (#6 #16), s5 1 (#14), s7 0, s8 0 (s7 < s8).
  const { rows } = await run(['happy_recommendations']);
  assert.deepEqual(tuples(rows['happy_recommendations']!, ['user_id', 'song_id', 'title', 'sad_count']), [
    ['u1', 's4', 'Four', 3], // u1 played s1: next are s4, s5, s7 (s8 is fourth: cut)
    ['u1', 's5', 'Five', 3],
    ['u1', 's7', 'Seven', 3],
    ['u4', 's1', 'One', 2], // u4 played s5: s1, s4, s7
    ['u4', 's4', 'Four', 2],
    ['u4', 's7', 'Seven', 2],
  ]);
});

test('genre_loyalty_scores: favourite genre plays / catalogued plays, 4 decimals, above the threshold', async () => {
  // u1 3/4 = 0.75, u2 2/4 = 0.5, u3 2/2 = 1 (s9 not catalogued), u4 2/3 = 0.6667, u5 1/2 = 0.5.
  const dflt = await run(['genre_loyalty_scores']);
  assert.deepEqual(tuples(dflt.rows['genre_loyalty_scores']!, ['user_id', 'genre', 'loyalty_score']), [['u3', 'Jazz', 1]]);
  const low = await run(['genre_loyalty_scores'], { params: { threshold: '0.6' } });
  assert.deepEqual(tuples(low.rows['genre_loyalty_scores']!, ['user_id', 'genre', 'loyalty_score']), [['u1', 'Rock', 0.75], ['u3', 'Jazz', 1], ['u4', 'Rock', 0.6667]]);
  const none = await run(['genre_loyalty_scores'], { params: { threshold: '1' } });
  assert.equal(none.rows['genre_loyalty_scores']!.length, 0);
  assert.equal(none.summary.outcomes[0]!.note, 'no user has a genre loyalty score above 1');
});

test('night_owl_users: plays starting in [00:00, 05:00) of --tz', async () => {
  // UTC: u1 #2 01:30, #4 04:59; u3 #9 00:00, #11 02:00; u4 #12 00:00; u5 #15 03:00. u2 #8 at 05:00 is out.
  const utc = await run(['night_owl_users']);
  assert.deepEqual(tuples(utc.rows['night_owl_users']!, ['user_id', 'night_plays']), [['u1', 2], ['u3', 2], ['u4', 1], ['u5', 1]]);
  // New York is UTC-4 in late March (DST from 03-09): night is 04:00-09:00 UTC → u1 #4 04:59 (00:59),
  // u2 #8 05:00 (01:00), u4 #13 08:00 (04:00); #5 09:00 is 05:00 there.
  const ny = await run(['night_owl_users'], { tz: 'America/New_York' });
  assert.deepEqual(tuples(ny.rows['night_owl_users']!, ['user_id', 'night_plays']), [['u1', 1], ['u2', 1], ['u4', 1]]);
});

test('enriched_logs: every listen with its catalogue entry, in time order; unknown tracks keep empty fields', async () => {
  const { rows } = await run(['enriched_logs']);
  assert.deepEqual(tuples(rows['enriched_logs']!, ['user_id', 'song_id', 'timestamp', 'duration_sec', 'title', 'artist', 'genre', 'mood']), [
    ['u4', 's3', '2025-03-20 08:00:00', 81, 'Three', 'A2', 'Rock', 'Sad'],
    ['u1', 's2', '2025-03-20 10:00:00', 100, 'Two', 'A1', 'Rock', 'Sad'],
    ['u5', 's1', '2025-03-21 03:00:00', 40, 'One', 'A1', 'Pop', 'Happy'],
    ['u1', 's3', '2025-03-21 12:00:00', 150, 'Three', 'A2', 'Rock', 'Sad'],
    ['u5', 's4', '2025-03-21 15:00:00', 50, 'Four', 'A2', 'Jazz', 'Happy'],
    ['u2', 's2', '2025-03-22 23:00:00', 120, 'Two', 'A1', 'Rock', 'Sad'],
    ['u3', 's6', '2025-03-23 00:00:00', 200, 'Six', 'A3', 'Jazz', 'Chill'],
    ['u4', 's3', '2025-03-24 00:00:00', 80, 'Three', 'A2', 'Rock', 'Sad'],
    ['u1', 's2', '2025-03-24 01:30:00', 200, 'Two', 'A1', 'Rock', 'Sad'],
    ['u2', 's1', '2025-03-24 09:00:00', 30, 'One', 'A1', 'Pop', 'Happy'],
    ['u2', 's4', '2025-03-24 10:00:00', 45.01, 'Four', 'A2', 'Jazz', 'Happy'],
    ['u1', 's1', '2025-03-25 04:59:00', 60, 'One', 'A1', 'Pop', 'Happy'],
    ['u2', 's3', '2025-03-26 05:00:00', 90, 'Three', 'A2', 'Rock', 'Sad'],
    ['u3', 's9', '2025-03-27 02:00:00', 300, null, null, null, null],
    ['u4', 's5', '2025-03-28 18:00:00', 75.125, 'Five', 'A3', 'Pop', 'Happy'],
    ['u3', 's6', '2025-03-30 23:59:00', 100, 'Six', 'A3', 'Jazz', 'Chill'],
  ]);
});

test('--from/--to restrict every report to whole days of --tz', async () => {
  // 2025-03-24 only: #12 u4 00:00, #2 u1 01:30, #5 u2 09:00, #6 u2 10:00.
  const { rows } = await run(['night_owl_users', 'enriched_logs', 'user_favorite_genres'], { from: '2025-03-24', to: '2025-03-24' });
  assert.deepEqual(tuples(rows['night_owl_users']!, ['user_id', 'night_plays']), [['u1', 1], ['u4', 1]]);
  assert.equal(rows['enriched_logs']!.length, 4);
  // u2: s1 Pop 1, s4 Jazz 1 → Jazz sorts first.
  assert.deepEqual(tuples(rows['user_favorite_genres']!, ['user_id', 'genre', 'play_count']), [['u1', 'Rock', 1], ['u2', 'Jazz', 1], ['u4', 'Rock', 1]]);
});
