// The recap of a real Spotify Extended Streaming History (spotify_extended_history: one user, 2023-07 to
// 2026-06) for 2024, checked against figures computed here straight from the export files. As in the
// importer, a stream starts at ts - ms_played (so a stream ending just after midnight on 1 January can
// belong to the year before), a row with a track URI is a music listen (podcast rows are not), and
// rows with the same start and track are one listen. The 2024 file and the 2025 one (a stream ending in
// early 2025 can start in 2024) are imported; a second recap, of the second half of 2024, checks that
// an artist first heard in the first half is not counted as new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { buildRecap, toRecapRows } from '../src/reports/recap.js';
import { DATASETS, needsDatasets, tempDir } from './helpers/lake.js';
import { readCsv, runAndRead } from './helpers/reports.js';

interface Stream { start: number; uri: string; ms: number; artist: string | null; title: string; skip: boolean }

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v).trim());

const FILES = ['Streaming_History_Audio_2024.csv', 'Streaming_History_Audio_2025.csv'];

function streams(dir: string): Stream[] {
  const out: Stream[] = [];
  for (const f of FILES) {
    for (const r of readCsv(join(dir, f))) {
      const uri = text(r['spotify_track_uri']);
      if (!uri) continue; // podcast episodes (no track URI) are not music listens
      const ms = Number(r['ms_played']);
      const skipped = text(r['skipped']).toLowerCase() === 'true';
      const end = text(r['reason_end']);
      out.push({ start: Date.parse(text(r['ts'])) - ms, uri, ms, artist: text(r['master_metadata_album_artist_name']) || null, title: text(r['master_metadata_track_name']), skip: skipped || end === 'fwdbtn' || end === 'backbtn' });
    }
  }
  const seen = new Set<string>();
  return out.filter((s) => {
    const k = `${s.start}|${s.uri}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const count = <T>(xs: T[], key: (x: T) => string | null): Map<string, number> => {
  const m = new Map<string, number>();
  for (const x of xs) {
    const k = key(x);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};
const best = (m: Map<string, number>): [string, number] => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;

test('recap for 2024 of the real Spotify export matches figures computed from the files', needsDatasets(), async () => {
  const folder = join(DATASETS, 'spotify_extended_history');
  const all = streams(folder);
  const from = Date.parse('2024-01-01T00:00:00Z');
  const to = Date.parse('2025-01-01T00:00:00Z');
  const year = all.filter((s) => s.start >= from && s.start < to);
  assert.ok(year.length > 11_000);

  const plays = year.length;
  const minutes = Math.round(year.reduce((a, s) => a + s.ms, 0) / 6000) / 10;
  const tracks = new Set(year.map((s) => s.uri)).size;
  const artists = new Set(year.map((s) => s.artist).filter((a) => a !== null)).size;
  const skipRate = Math.round((year.filter((s) => s.skip).length / plays) * 10_000) / 10_000;
  const [topArtist, topArtistPlays] = best(count(year, (s) => s.artist));
  const byTrack = count(year, (s) => s.uri);
  const topUri = [...byTrack].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
  const firstEver = new Map<string, number>();
  for (const s of all) if (s.artist) firstEver.set(s.artist, Math.min(firstEver.get(s.artist) ?? Infinity, s.start));
  const newSince = (t: number, xs: Stream[]) => [...new Set(xs.map((s) => s.artist).filter((a): a is string => a !== null))].filter((a) => firstEver.get(a)! >= t).length;
  const newArtists = newSince(from, year);
  const july = Date.parse('2024-07-01T00:00:00Z');
  const secondHalf = year.filter((s) => s.start >= july);
  const newInSecondHalf = newSince(july, secondHalf);
  assert.ok(newInSecondHalf < new Set(secondHalf.map((s) => s.artist)).size, 'some artists of H2 were already heard in H1');
  const days = [...new Set(year.map((s) => new Date(s.start).toISOString().slice(0, 10)))].sort();
  let streak = 1;
  let run = 1;
  for (let i = 1; i < days.length; i++) {
    run = Date.parse(days[i]!) - Date.parse(days[i - 1]!) === 86_400_000 ? run + 1 : 1;
    streak = Math.max(streak, run);
  }
  const [peakHour] = best(count(year, (s) => String(new Date(s.start).getUTCHours()).padStart(2, '0')));
  // Sessions: a new one when a stream starts more than 30 min after every earlier stream ended.
  const ordered = [...year].sort((a, b) => a.start - b.start || (a.uri < b.uri ? -1 : 1));
  let sessions = 0;
  let lastEnd = -Infinity;
  for (const s of ordered) {
    if (s.start - lastEnd > 30 * 60_000) sessions++;
    lastEnd = Math.max(lastEnd, s.start + s.ms);
  }

  const { dir, cleanup } = await tempDir();
  try {
    await runImport({ inputs: FILES.map((f) => join(folder, f)), dataDir: dir, user: 'me' });
    const { summary, rows } = await runAndRead({ dataDir: dir, names: ['recap'], params: { user: 'me' }, from: '2024-01-01', to: '2024-12-31' });
    assert.equal(summary.failed, 0);
    const r = buildRecap(toRecapRows(rows['recap']!));
    assert.equal(r.user, 'me');
    assert.equal(r.plays, plays);
    assert.equal(r.minutes, minutes);
    assert.equal(r.tracks, tracks);
    assert.equal(r.artists, artists);
    assert.equal(r.genres, 0); // the export has no catalogue
    assert.equal(r.skipRate, skipRate);
    assert.deepEqual([r.topArtists[0]!.name, r.topArtists[0]!.plays], [topArtist, topArtistPlays]);
    assert.equal(r.topTracks[0]!.plays, topUri[1]);
    assert.equal(r.newArtists.count, newArtists);
    assert.equal(r.longestStreak!.days, streak);
    assert.equal(r.peakHour!.hour, Number(peakHour));
    assert.equal(r.sessions, sessions);
    assert.equal(r.clock.flat().reduce((a, b) => a + b, 0), plays);
    const h2 = await runAndRead({ dataDir: dir, names: ['recap'], params: { user: 'me' }, from: '2024-07-01', to: '2024-12-31' });
    const r2 = buildRecap(toRecapRows(h2.rows['recap']!));
    assert.equal(r2.plays, secondHalf.length);
    assert.equal(r2.newArtists.count, newInSecondHalf);
  } finally {
    await cleanup();
  }
});
