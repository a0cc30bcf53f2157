// events-ndjson and events-csv: hand-made play-event files, one listen per event. Expected values are
// written down by hand from the lines below (one event = one row; ms_played only for `complete`;
// "City, CC" split; event_ts ISO or Unix s/ms), plus bad lines rejected with their line numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { detectFormat } from '../src/formats/registry.js';
import { one, q, tempDir } from './helpers/lake.js';

const ev = (o: Record<string, unknown>): string => JSON.stringify(o);

/** 16 lines (line 12 blank): 6 good events, 8 bad ones, 1 re-sent duplicate of line 1. */
const NDJSON_LINES = [
  /* 1 */ ev({ event_id: 'e1', event_ts: '2025-03-20T14:05:00Z', user_id: 'u1', song_id: 's1', artist_id: 'a1', action: 'complete', device: 'android', location: 'Berlin, DE', song_duration: 215, session_id: 'sess1' }),
  /* 2 */ ev({ event_id: 'e2', event_ts: '2025-03-20T14:08:35.250Z', user_id: 'u1', song_id: 's2', artist_id: 'a2', action: 'skip', device: 'android', location: 'DE', song_duration: 180.5, session_id: 'sess1' }),
  /* 3 */ ev({ event_id: 'e3', event_ts: 1742480000, user_id: 42, song_id: 's3', artist_id: 'a1', action: 'PAUSE ', device: 'web', location: 'Springfield', song_duration: '200', session_id: 'sess2' }),
  /* 4 */ ev({ event_id: 'e4', event_ts: '1742480100000', user_id: 'u2', song_id: 's1', artist_id: 'a1', action: 'play', device: 'ios', location: 'New York, NY, US', song_duration: 215, session_id: 'sess3' }),
  /* 5 */ ev({ event_id: 'e5', event_ts: '2025-03-20 16:00:00', user_id: 'u2', song_id: 's4', artist_id: 'a3', action: 'complete', song_duration: 199.6, session_id: 'sess3' }),
  /* 6 */ '{"event_id":"e6","event_ts":"2025-03-20T17:00:00Z","user_id":"u1","so',
  /* 7 */ ev({ event_id: 'e7', event_ts: '2025-03-20T17:00:00Z', user_id: ['u1', 'u2'], song_id: 's1', action: 'play' }),
  /* 8 */ ev({ event_id: 'e8', event_ts: '2026-13-45T25:00:00Z', user_id: 'u1', song_id: 's1', action: 'play' }),
  /* 9 */ ev({ event_id: 'e9', event_ts: '2025-03-20T18:00:00Z', user_id: 'u1', song_id: 's1', action: 'complete', song_duration: 'long' }),
  /* 10 */ ev({ event_id: 'e10', event_ts: '2025-03-20T18:05:00Z', user_id: 'u1', song_id: 's1', action: 'rewind' }),
  /* 11 */ '\u0000\u0002\u0003\u007f garbage \u00ff\u00fe\u0089PNG',
  /* 12 */ '',
  /* 13 */ ev({ event_id: 'e13', event_ts: '2025-03-21T09:00:00+02:00', user_id: 'u3', song_id: 's2', artist_id: 'a2', action: 'complete', device: 'web', location: 'Paris, FR', song_duration: 180, session_id: 'sess5' }),
  /* 14 */ ev({ event_id: 'e1-resent', event_ts: '2025-03-20T14:05:00Z', user_id: 'u1', song_id: 's1', artist_id: 'a1', action: 'play', device: 'android', location: 'Berlin, DE', song_duration: 215, session_id: 'sess1' }),
  /* 15 */ ev({ event_id: 'e15', event_ts: '2025-03-20T19:00:00Z', user_id: 'u1', song_id: 's1' }),
  /* 16 */ ev({ event_id: 'e16', event_ts: '2025-03-20T19:05:00Z', song_id: 's1', action: 'play' }),
];

/** The same good events as CSV, with CSV-specific bad lines. Line numbers in comments. */
const CSV_LINES = [
  /* 1 */ 'event_id,event_ts,user_id,song_id,artist_id,action,device,location,song_duration,session_id',
  /* 2 */ 'e1,2025-03-20T14:05:00Z,u1,s1,a1,complete,android,"Berlin, DE",215,sess1',
  /* 3 */ 'e2,2025-03-20T14:08:35.250Z,u1,s2,a2,skip,android,DE,180.5,sess1',
  /* 4 */ 'e3,1742480000,42,s3,a1,PAUSE ,web,Springfield,200,sess2',
  /* 5 */ 'e4,1742480100000,u2,s1,a1,play,ios,"New York, NY, US",215,sess3',
  /* 6 */ 'e5,2025-03-20 16:00:00,u2,s4,a3,complete,,,199.6,sess3',
  /* 7 */ 'e8,2026-13-45T25:00:00Z,u1,s1,a1,play,web,DE,200,sess4',
  /* 8 */ 'e9,2025-03-20T18:00:00Z,u1,s1,a1,complete,web,DE,long,sess4',
  /* 9 */ 'e10,2025-03-20T18:05:00Z,u1,s1,a1,rewind,web,DE,200,sess4',
  /* 10 */ 'e11,2025-03-20T18:10:00Z,u1,,a1,play,web,DE,200,sess4',
  /* 11 */ 'e12,2025-03-20T18:15:00Z,u1,s1,a1,play,web,DE,200,sess4,extra',
  /* 12 */ 'e13,2025-03-21T09:00:00+02:00,u3,s2,a2,complete,web,"Paris, FR",180,sess5',
  /* 13 */ 'e1-resent,2025-03-20T14:05:00Z,u1,s1,a1,play,android,"Berlin, DE",215,sess1',
];

/** The six good events, as the lake must hold them (same for both shapes but the platform of e5). */
const EXPECTED = [
  { user_id: 'u1', at: '2025-03-20 14:05:00.000', track_key: 'song:s1', action: 'complete', skipped: false, ms_played: 215000, platform: 'android', city: 'Berlin', country: 'DE', artist_id: 'a1', session_id: 'sess1' },
  { user_id: 'u1', at: '2025-03-20 14:08:35.250', track_key: 'song:s2', action: 'skip', skipped: true, ms_played: null, platform: 'android', city: null, country: 'DE', artist_id: 'a2', session_id: 'sess1' },
  { user_id: '42', at: '2025-03-20 14:13:20.000', track_key: 'song:s3', action: 'pause', skipped: false, ms_played: null, platform: 'web', city: 'Springfield', country: null, artist_id: 'a1', session_id: 'sess2' },
  { user_id: 'u2', at: '2025-03-20 14:15:00.000', track_key: 'song:s1', action: 'play', skipped: false, ms_played: null, platform: 'ios', city: 'New York, NY', country: 'US', artist_id: 'a1', session_id: 'sess3' },
  { user_id: 'u2', at: '2025-03-20 16:00:00.000', track_key: 'song:s4', action: 'complete', skipped: false, ms_played: 199600, platform: null, city: null, country: null, artist_id: 'a3', session_id: 'sess3' },
  { user_id: 'u3', at: '2025-03-21 07:00:00.000', track_key: 'song:s2', action: 'complete', skipped: false, ms_played: 180000, platform: 'web', city: 'Paris', country: 'FR', artist_id: 'a2', session_id: 'sess5' },
];

const LISTENS_SQL = `SELECT user_id, strftime(listened_at, '%Y-%m-%d %H:%M:%S.%g') AS at, track_key, action, skipped, ms_played, platform, city, country, artist_id, session_id
  FROM listens ORDER BY listened_at`;

async function rejectsOf(file: string | null): Promise<[number, string, unknown][]> {
  assert.ok(file, 'a rejects file');
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map((r) => [Number(r['loc']), String(r['field']), r['got']]);
}

test('events-ndjson: one listen per event, actions, ms_played only for complete, location split; bad lines rejected; re-import adds 0', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'events.ndjson');
    await writeFile(f, NDJSON_LINES.join('\n') + '\n');
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [f], dataDir: data });
    const fs = s.files[0]!;
    assert.equal(fs.format, 'events-ndjson');
    assert.equal(fs.read, 15); // 16 lines, one blank
    assert.equal(fs.accepted, 6);
    assert.equal(fs.duplicates, 1); // line 14 re-sends line 1 (same user, time, song) under a new event_id
    assert.equal(fs.rejected, 8);
    assert.deepEqual(await rejectsOf(s.rejectsFile), [
      [6, '(record)', '{"event_id":"e6","event_ts":"2025-03-20T17:00:00Z","user_id":"u1","so'],
      [7, 'user_id', '["u1","u2"]'],
      [8, 'event_ts', '2026-13-45T25:00:00Z'],
      [9, 'song_duration', 'long'],
      [10, 'action', 'rewind'],
      [11, '(record)', NDJSON_LINES[10]],
      [15, 'action', null],
      [16, 'user_id', null],
    ]);
    assert.deepEqual(await q(data, LISTENS_SQL), EXPECTED);
    // The first copy of a duplicate wins: line 1 (complete), not line 14 (play).
    assert.equal(await one(data, "SELECT action FROM listens WHERE user_id = 'u1' AND song_id = 's1'"), 'complete');
    // Reports count the same way for every source: plays = rows, skips = skip rows, completions.
    assert.deepEqual(await q(data, "SELECT count(*) AS plays, count(*) FILTER (WHERE skipped) AS skips, count(*) FILTER (WHERE action = 'complete') AS completes FROM listens"), [
      { plays: 6, skips: 1, completes: 3 },
    ]);
    assert.equal(await one(data, "SELECT count(*) FROM listens WHERE source = 'events-ndjson' AND origin = " + `'${f}'`), 6);
    const again = await runImport({ inputs: [f], dataDir: data });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicates, 7); // all 7 good lines, line 14 included
    assert.equal(again.totals.rejected, 8);
    assert.equal(await one(data, 'SELECT count(*) FROM listens'), 6);
  } finally {
    await cleanup();
  }
});

test('events-csv: the same mapping as NDJSON; CSV bad lines (too many columns, missing song_id) rejected with their lines', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const f = join(dir, 'play_events.csv');
    await writeFile(f, CSV_LINES.join('\n') + '\n');
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [f], dataDir: data });
    const fs = s.files[0]!;
    assert.equal(fs.format, 'events-csv');
    assert.equal(fs.read, 12);
    assert.equal(fs.accepted, 6);
    assert.equal(fs.duplicates, 1);
    assert.equal(fs.rejected, 5);
    const rejects = await rejectsOf(s.rejectsFile);
    assert.deepEqual(
      rejects.map(([l, fld]) => [l, fld]),
      [[7, 'event_ts'], [8, 'song_duration'], [9, 'action'], [10, 'song_id'], [11, '(line)']],
    );
    assert.deepEqual(rejects.slice(0, 3).map((r) => r[2]), ['2026-13-45T25:00:00Z', 'long', 'rewind']);
    assert.deepEqual(await q(data, LISTENS_SQL), EXPECTED);
    const again = await runImport({ inputs: [f], dataDir: data });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicates, 7);
  } finally {
    await cleanup();
  }
});

test('the same events as NDJSON and as CSV are the same listens: the second shape adds 0', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const a = join(dir, 'events.ndjson');
    const b = join(dir, 'events.csv');
    await writeFile(a, NDJSON_LINES.join('\n') + '\n');
    await writeFile(b, CSV_LINES.join('\n') + '\n');
    const data = join(dir, 'data');
    await runImport({ inputs: [a], dataDir: data });
    const s = await runImport({ inputs: [b], dataDir: data });
    assert.equal(s.totals.accepted, 0);
    assert.equal(s.totals.duplicates, 7);
    assert.equal(await one(data, 'SELECT count(*) FROM listens'), 6);
  } finally {
    await cleanup();
  }
});

test('events: --user fills a missing user_id; Unix ms as a JSON number; a header in another order', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const a = join(dir, 'a.ndjson');
    await writeFile(
      a,
      [
        ev({ event_ts: 1742480100123, action: 'complete', user_id: null, song_id: 7, song_duration: 61 }),
        ev({ event_ts: '2025-03-20T14:15:00Z', action: 'skip', user_id: 'u9', song_id: 7 }),
      ].join('\n') + '\n',
    );
    const b = join(dir, 'b.csv');
    await writeFile(b, 'action,song_id,user_id,event_ts,location\nskip,s9,u5,2025-03-22T10:00:00Z,"Lagos, ng"\n');
    const data = join(dir, 'data');
    const s = await runImport({ inputs: [a, b], dataDir: data, user: 'me' });
    assert.equal(s.totals.accepted, 3);
    assert.deepEqual(await q(data, `SELECT user_id, epoch_ms(listened_at) AS ms, track_key, ms_played, country, city FROM listens ORDER BY listened_at`), [
      { user_id: 'u9', ms: 1742480100000, track_key: 'song:7', ms_played: null, country: null, city: null },
      { user_id: 'me', ms: 1742480100123, track_key: 'song:7', ms_played: 61000, country: null, city: null },
      { user_id: 'u5', ms: Date.UTC(2025, 2, 22, 10), track_key: 'song:s9', ms_played: null, country: 'NG', city: 'Lagos' },
    ]);
  } finally {
    await cleanup();
  }
});

test('events detection: by keys event_ts + action (+ user_id) in the first line, and by the CSV header', () => {
  const sample = (name: string, head: string) => ({ path: `/nonexistent/${name}`, name, head });
  assert.equal(detectFormat(sample('x.json', NDJSON_LINES.slice(0, 3).join('\n')))?.name, 'events-ndjson');
  assert.equal(detectFormat(sample('x.txt', CSV_LINES.slice(0, 3).join('\n')))?.name, 'events-csv');
  assert.equal(detectFormat(sample('x.csv', 'event_ts,action,song_id\n2025-03-20T14:05:00Z,play,s1\n'))?.name, 'events-csv');
  assert.notEqual(detectFormat(sample('x.ndjson', '{"ts":"2025-03-20T14:05:00Z","action":"play"}\n'))?.name, 'events-ndjson');
});

test(
  'events-ndjson: a line that is not UTF-8 is one reject, not a failed file',
  async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const f = join(dir, 'events.ndjson');
      await writeFile(f, Buffer.concat([Buffer.from(NDJSON_LINES[0] + '\n'), Buffer.from([0xff, 0xfe, 0x00, 0x89, 0x50, 0x4e, 0x47, 0x0a]), Buffer.from(NDJSON_LINES[1] + '\n')]));
      const s = await runImport({ inputs: [f], dataDir: join(dir, 'data') });
      assert.equal(s.files[0]!.error, undefined);
      assert.equal(s.totals.accepted, 2);
      assert.equal(s.totals.rejected, 1);
      const rejects = (await readFile(s.rejectsFile!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(rejects.map((r) => [r['loc'], r['field']]), [[2, '(line)']]);
      assert.match(String(rejects[0]!['reason']), /UTF-8/);
    } finally {
      await cleanup();
    }
  },
);
