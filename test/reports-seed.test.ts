// The seed-insights group on the seed system's own data (spark_music_insights_seed): each of the seven
// outputs equals, row for row, an independent computation written here in plain TypeScript over the
// two CSV files (read with fs, no DuckDB), following the semantics of issue 3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { DATASETS, needsDatasets, tempDir } from './helpers/lake.js';
import { readCsv, runAndRead } from './helpers/reports.js';

interface Log { user: string; song: string; ts: string; ms: number; sec: number }
interface Song { title: string; artist: string; genre: string; mood: string }

const DAY = 86_400_000;
const utcMs = (ts: string): number => Date.parse(`${ts.replace(' ', 'T')}Z`);
const byKey = <T>(xs: T[], key: (x: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
};
const countBy = (xs: string[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** The key with the highest count; ties go to the key that sorts first. */
const top = (counts: Map<string, number>): [string, number] =>
  [...counts].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0]!;

/** The seven answers computed from the files. */
function expected(logs: Log[], songs: Map<string, Song>): Record<string, Record<string, unknown>[]> {
  const users = [...byKey(logs, (l) => l.user)].sort((a, b) => cmp(a[0], b[0]));
  const catalogued = (ls: Log[]) => ls.filter((l) => songs.has(l.song));

  const favourite = users.map(([user, ls]) => {
    const [genre, n] = top(countBy(catalogued(ls).map((l) => songs.get(l.song)!.genre)));
    return { user_id: user, genre, play_count: n, catalogued: catalogued(ls).length };
  });

  const avg = [...byKey(logs, (l) => l.song)].sort((a, b) => cmp(a[0], b[0])).map(([song, ls]) => {
    const s = ls.reduce((x, l) => x + l.sec, 0); // whole seconds in this dataset
    const n = ls.length;
    return { song_id: song, avg_duration: Math.floor((200 * s + n) / (2 * n)) / 100 }; // mean, 2 decimals, half up
  });

  const latest = Math.max(...logs.map((l) => utcMs(l.ts)));
  const dayStart = Math.floor(latest / DAY) * DAY;
  const monday = dayStart - ((new Date(dayStart).getUTCDay() + 6) % 7) * DAY;
  const inWeek = logs.filter((l) => utcMs(l.ts) >= monday && utcMs(l.ts) < monday + 7 * DAY);
  const topSongs = [...countBy(inWeek.map((l) => l.song))].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).slice(0, 10).map(([song_id, plays]) => ({ song_id, plays }));

  const playsOf = countBy(logs.map((l) => l.song));
  const happy = [...songs].filter(([, s]) => s.mood === 'Happy').map(([id, s]) => ({ id, title: s.title, plays: playsOf.get(id) ?? 0 }));
  happy.sort((a, b) => b.plays - a.plays || cmp(a.id, b.id));
  const recommendations = users.flatMap(([user, ls]) => {
    const [mood, n] = top(countBy(catalogued(ls).map((l) => songs.get(l.song)!.mood)));
    if (mood !== 'Sad') return [];
    const heard = new Set(ls.map((l) => l.song));
    return happy.filter((h) => !heard.has(h.id)).slice(0, 3).map((h) => ({ user_id: user, song_id: h.id, title: h.title, sad_count: n }));
  });

  const loyalty = favourite
    .map((f) => ({ user_id: f.user_id, genre: f.genre, loyalty_score: Math.floor((2 * f.play_count * 10_000 + f.catalogued) / (2 * f.catalogued)) / 10_000 }))
    .filter((r) => r.loyalty_score > 0.8);

  const night = users.map(([user, ls]) => ({ user_id: user, night_plays: ls.filter((l) => Number(l.ts.slice(11, 13)) < 5).length })).filter((r) => r.night_plays > 0);

  const enriched = [...logs]
    .sort((a, b) => utcMs(a.ts) - utcMs(b.ts) || cmp(a.user, b.user) || cmp(a.song, b.song))
    .map((l) => {
      const s = songs.get(l.song);
      return { user_id: l.user, song_id: l.song, timestamp: l.ts, duration_sec: l.ms / 1000, title: s?.title ?? null, artist: s?.artist ?? null, genre: s?.genre ?? null, mood: s?.mood ?? null };
    });

  return {
    user_favorite_genres: favourite.map(({ user_id, genre, play_count }) => ({ user_id, genre, play_count })),
    avg_listen_time_per_song: avg,
    top_songs_this_week: topSongs,
    happy_recommendations: recommendations,
    genre_loyalty_scores: loyalty,
    night_owl_users: night,
    enriched_logs: enriched,
  };
}

test('seed-insights on the seed dataset equals an independent computation, row for row', needsDatasets(), async () => {
  const seed = join(DATASETS, 'spark_music_insights_seed');
  const logFile = join(seed, 'listening_logs.csv');
  const songFile = join(seed, 'songs_metadata.csv');
  const logs: Log[] = readCsv(logFile).map((r) => ({ user: r['user_id']!, song: r['song_id']!, ts: r['timestamp']!, sec: Number(r['duration_sec']), ms: Number(r['duration_sec']) * 1000 }));
  const songs = new Map(readCsv(songFile).map((r) => [r['song_id']!, { title: r['title']!, artist: r['artist']!, genre: r['genre']!, mood: r['mood']! }]));
  assert.equal(logs.length, 1000);
  assert.equal(songs.size, 100);
  const want = expected(logs, songs);

  const { dir, cleanup } = await tempDir();
  try {
    await runImport({ inputs: [logFile, songFile], dataDir: dir });
    const { summary, rows } = await runAndRead({ dataDir: dir, group: 'seed-insights' });
    assert.deepEqual(summary.outcomes.map((o) => [o.report, o.ok]), Object.keys(want).map((k) => [k, true]));
    for (const [name, expectedRows] of Object.entries(want)) {
      assert.deepEqual(rows[name], expectedRows, `${name} differs from the independent computation`);
    }
    // Sizes, so a silently empty computation on both sides cannot pass.
    assert.equal(rows['user_favorite_genres']!.length, 50);
    assert.equal(rows['avg_listen_time_per_song']!.length, 100);
    assert.equal(rows['top_songs_this_week']!.length, 10);
    assert.ok(rows['happy_recommendations']!.length > 0);
    assert.equal(rows['enriched_logs']!.length, 1000);
    // No user is loyal above 0.8 here (the dataset's maximum share is 0.5): header only, and the run says so.
    assert.equal(rows['genre_loyalty_scores']!.length, 0);
    assert.equal(summary.outcomes.find((o) => o.report === 'genre_loyalty_scores')!.note, 'no user has a genre loyalty score above 0.8');

    // Where the seed system's own outputs (reference_outputs/) mean the same thing, they agree too.
    const ref = (f: string) => readCsv(join(seed, 'reference_outputs', f));
    assert.deepEqual(rows['night_owl_users']!.map((r) => r['user_id']).sort(), ref('night_owl_users.csv').map((r) => r['user_id']).sort());
    const refAvg = new Map(ref('avg_listen_time_per_song.csv').map((r) => [r['song_id'], Number(r['avg_duration'])]));
    for (const r of rows['avg_listen_time_per_song']!) assert.ok(Math.abs(Number(r['avg_duration']) - refAvg.get(String(r['song_id']))!) <= 0.005 + 1e-9, String(r['song_id']));
    const refTop = ref('top_songs_this_week.csv');
    assert.deepEqual(rows['top_songs_this_week']!.slice(0, 5), refTop.slice(0, 5).map((r) => ({ song_id: r['song_id'], plays: Number(r['plays']) })).sort((a, b) => b.plays - a.plays || cmp(a.song_id!, b.song_id!)));
  } finally {
    await cleanup();
  }
});
