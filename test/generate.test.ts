// generateWorld: determinism, the seed-csv layout, exact dirty-row accounting and a realistic shape.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GENERATE_DEFAULTS, generateWorld, type GenerateOptions } from '../src/generate/index.js';

const START = Date.UTC(2026, 0, 1);
const base = { users: 30, tracks: 400, events: 4000, days: 7, seed: 11, format: 'seed-csv', dirty: 0 } as const;

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function world(opts: Partial<GenerateOptions> = {}) {
  const out = await mkdtemp(join(tmpdir(), 'earshot-gen-'));
  dirs.push(out);
  const summary = await generateWorld({ ...base, ...opts, out });
  return { out, summary, done: () => rm(out, { recursive: true, force: true }) };
}

async function hashes(files: string[]): Promise<Record<string, string>> {
  const h: Record<string, string> = {};
  for (const f of files) h[basename(f)] = createHash('sha256').update(await readFile(f)).digest('hex');
  return h;
}

/** Strict `YYYY-MM-DD HH:MM:SS` (UTC) to ms, or NaN. */
function parseSql(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (!m) return NaN;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(ms);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && se < 60 ? ms : NaN;
}

/** A seed-csv log line as an importer would judge it: its time in seconds, or null when malformed. */
function validLog(line: string): number | null {
  const f = line.split(',');
  if (f.length !== 4 || !/^user_\d+$/.test(f[0] as string) || !/^song_\d+$/.test(f[1] as string) || !/^\d+$/.test(f[3] as string)) return null;
  const ms = parseSql(f[2] as string);
  return Number.isNaN(ms) ? null : ms / 1000;
}

async function logLines(out: string): Promise<string[]> {
  return (await readFile(join(out, 'listening_logs.csv'), 'utf8')).split('\n').slice(1, -1);
}

test('defaults are the documented ones', () => {
  assert.deepEqual({ ...GENERATE_DEFAULTS }, { users: 200, tracks: 2000, events: 100000, days: 30, seed: 42, format: 'seed-csv', dirty: 0.002 });
});

test('same options give identical bytes in every format; another seed gives other bytes', async () => {
  for (const format of ['seed-csv', 'events', 'spotify-extended', 'parquet'] as const) {
    // spotify-extended is one listener's export: 1500 listens need more than a week.
    const days = format === 'spotify-extended' ? 14 : base.days;
    const a = await world({ format, dirty: 0.01, events: 1500, days });
    const b = await world({ format, dirty: 0.01, events: 1500, days });
    const c = await world({ format, dirty: 0.01, events: 1500, days, seed: 12 });
    const [ha, hb, hc] = [await hashes(a.summary.files), await hashes(b.summary.files), await hashes(c.summary.files)];
    assert.deepEqual(ha, hb, format);
    for (const k of Object.keys(ha)) assert.notEqual(ha[k], hc[k], `${format} ${k}`);
    const { seconds: _s1, files: _f1, ...sa } = a.summary;
    const { seconds: _s2, files: _f2, ...sb } = b.summary;
    assert.deepEqual(sa, sb);
    await Promise.all([a.done(), b.done(), c.done()]);
  }
});

test('seed-csv: exact headers, clean rows in order and in range when dirty = 0', async () => {
  const w = await world();
  assert.deepEqual(w.summary.files.map((f) => basename(f)), ['songs_metadata.csv', 'listening_logs.csv']);
  const logs = await readFile(join(w.out, 'listening_logs.csv'), 'utf8');
  assert.equal(logs.slice(0, logs.indexOf('\n')), 'user_id,song_id,timestamp,duration_sec');
  const meta = (await readFile(join(w.out, 'songs_metadata.csv'), 'utf8')).split('\n');
  assert.equal(meta[0], 'song_id,title,artist,genre,mood,album,duration_ms,popularity,release_date,danceability,energy,valence,'
    + 'tempo,acousticness,instrumentalness,speechiness,liveness,loudness,key,mode,spotify_id');
  assert.equal(meta.length, base.tracks + 2);
  assert.equal(meta.at(-1), '');
  assert.ok(meta.every((l) => l === l.trimEnd()));
  assert.ok(meta.slice(1, -1).every((l) => /,[0-9A-Za-z]{22}$/.test(l)));

  const lines = await logLines(w.out);
  assert.equal(lines.length, base.events);
  assert.deepEqual([w.summary.listens, w.summary.malformed, w.summary.duplicates, w.summary.late], [base.events, 0, 0, 0]);
  let prev = -Infinity;
  const users = new Set<string>();
  for (const line of lines) {
    const sec = validLog(line);
    assert.notEqual(sec, null, line);
    assert.ok((sec as number) >= prev, `out of order: ${line}`);
    assert.ok((sec as number) * 1000 >= START && (sec as number) * 1000 < START + base.days * 86_400_000, line);
    const d = Number(line.split(',')[3]);
    assert.ok(d >= 0 && d <= 420, line);
    assert.ok(Number((line.split(',')[1] as string).slice(5)) <= base.tracks);
    users.add(line.split(',')[0] as string);
    prev = sec as number;
  }
  assert.ok(users.size > base.users / 2);
  await w.done();
});

test('seed-csv: `events` counts valid distinct listens; dirty rows come on top and are counted exactly', async () => {
  const w = await world({ dirty: 0.02, events: 5000 });
  const s = w.summary;
  assert.equal(s.listens, 5000);
  assert.deepEqual([s.malformed, s.duplicates], [40, 40]);
  assert.ok(s.late > 10 && s.late <= 20, `late ${s.late}`);
  const lines = await logLines(w.out);
  assert.equal(lines.length, s.listens + s.malformed + s.duplicates);
  // Count independently, as an importer would: malformed, then exact repeats, then rows behind the latest time.
  let malformed = 0;
  let duplicates = 0;
  let late = 0;
  let valid = 0;
  let max = -Infinity;
  const seen = new Set<string>();
  for (const line of lines) {
    const sec = validLog(line);
    if (sec === null) { malformed++; continue; }
    if (seen.has(line)) { duplicates++; continue; }
    seen.add(line);
    valid++;
    if (sec < max) late++;
    max = Math.max(max, sec);
  }
  assert.deepEqual({ malformed, duplicates, late, valid }, { malformed: s.malformed, duplicates: s.duplicates, late: s.late, valid: s.listens });
  // Late rows are at most two hours behind; the clean listens are the same as without dirt.
  const clean = await world({ dirty: 0, events: 5000 });
  const cleanSet = new Set(await logLines(clean.out));
  assert.ok([...seen].every((l) => cleanSet.has(l)));
  await Promise.all([w.done(), clean.done()]);
});

test('a realistic shape: Zipf plays, uneven genres, moods that match valence and energy', async () => {
  const w = await world({ events: 20000, users: 50, tracks: 1000, days: 14 });
  const plays = new Map<string, number>();
  for (const l of await logLines(w.out)) {
    const song = l.split(',')[1] as string;
    plays.set(song, (plays.get(song) ?? 0) + 1);
  }
  const counts = [...plays.values()].sort((a, b) => b - a);
  const top = counts.slice(0, 100).reduce((a, b) => a + b, 0);
  assert.ok(top / 20000 > 0.3, `top 10% share ${top / 20000}`);

  const rows = (await readFile(join(w.out, 'songs_metadata.csv'), 'utf8')).trim().split('\n').slice(1)
    .map((l) => l.replace(/"(?:[^"]|"")*"/g, 'Q').split(','));
  const genres = new Map<string, number>();
  const mood = new Map<string, { v: number; e: number; n: number }>();
  for (const r of rows) {
    genres.set(r[3] as string, (genres.get(r[3] as string) ?? 0) + 1);
    const m = mood.get(r[4] as string) ?? { v: 0, e: 0, n: 0 };
    m.v += Number(r[11]);
    m.e += Number(r[10]);
    m.n++;
    mood.set(r[4] as string, m);
    const dur = Number(r[6]);
    assert.ok(dur >= 90_000 && dur <= 420_000);
  }
  const g = [...genres.values()];
  assert.ok(genres.size >= 10 && Math.max(...g) > 2.5 * Math.min(...g), JSON.stringify([...genres]));
  const avg = (k: string, f: 'v' | 'e'): number => (mood.get(k) as { v: number; e: number; n: number })[f] / (mood.get(k) as { n: number }).n;
  assert.ok(avg('Happy', 'v') > 0.6 && avg('Happy', 'e') > 0.6);
  assert.ok(avg('Sad', 'v') < 0.4 && avg('Sad', 'e') < 0.45);
  assert.ok(avg('Energetic', 'e') > 0.65 && avg('Energetic', 'v') < 0.5);
  assert.ok(avg('Chill', 'e') < 0.45 && avg('Chill', 'v') > 0.5);
  await w.done();
});

test('bad options are refused; events = 0 still writes headers; progress ends at the total', async () => {
  await assert.rejects(world({ dirty: 2 }), RangeError);
  await assert.rejects(world({ users: 0 }), RangeError);
  await assert.rejects(world({ start: '2026-02-30' }), RangeError);
  await assert.rejects(world({ format: 'csv' as never }), RangeError);
  const empty = await world({ events: 0 });
  assert.equal(await readFile(join(empty.out, 'listening_logs.csv'), 'utf8'), 'user_id,song_id,timestamp,duration_sec\n');
  await empty.done();
  const calls: [number, number][] = [];
  const w = await world({ events: 300, onProgress: (d, t) => calls.push([d, t]) });
  assert.deepEqual(calls.at(-1), [300, 300]);
  await w.done();
});
