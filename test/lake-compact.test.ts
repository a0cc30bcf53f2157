// The lake's listens layout (one folder per month, files sorted by user then time, dt a column), reading
// lakes of day folders written by earlier versions, and `earshot lake compact`: same rows after, one file
// per month, nothing to do the second time, a cut-off compaction finished or undone, no compaction while a
// stream holds the data directory.
import { test } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { compactLake, compactionHint, lockLake } from '../src/lake/compact.js';
import { dataPaths } from '../src/lake/paths.js';
import { lit, openDb } from '../src/util/db.js';
import { q, tempDir } from './helpers/lake.js';
import { streamLake } from './helpers/stream.js';
import { writeFiles } from './helpers/reports.js';

const HEAD = 'event_id,event_ts,user_id,song_id,artist_id,action,device,location,song_duration,session_id\n';
// Two months, users out of order in the file, one listen on each side of midnight UTC at the month's end.
const FIRST = `${HEAD}e1,2026-01-31T23:59:59Z,zed,t1,a1,complete,,,200,
e2,2026-01-05T10:00:00Z,amy,t2,a1,complete,,,200,
e3,2026-02-01T00:00:00Z,amy,t1,a1,complete,,,200,
e4,2026-01-03T08:00:00Z,zed,t2,a1,skip,,,200,
e5,2026-01-03T09:00:00Z,amy,t1,a1,complete,,,200,
`;
const SECOND = `${HEAD}e6,2026-01-04T12:00:00Z,bob,t1,a1,complete,,,200,
e7,2026-02-02T12:00:00Z,bob,t2,a1,complete,,,200,
`;

const listensDir = (data: string) => dataPaths(data).table('listens');
const folders = (data: string) => readdirSync(listensDir(data)).filter((d) => !d.startsWith('.')).sort();
const filesIn = (data: string) => folders(data).flatMap((d) => readdirSync(join(listensDir(data), d)).filter((f) => f.endsWith('.parquet')).map((f) => join(listensDir(data), d, f)));
const ALL = `SELECT user_id, strftime(listened_at, '%Y-%m-%dT%H:%M:%S') AS at, track_key, action, dt::VARCHAR AS dt FROM listens ORDER BY ALL`;

async function importCsv(dir: string, data: string, name: string, text: string): Promise<void> {
  const s = await runImport({ inputs: await writeFiles(join(dir, name), { 'events.csv': text }), dataDir: data });
  assert.equal(s.totals.rejected, 0);
}

/** Runs `fn` on a fresh data directory after importing each CSV text in turn (one import each, in folders a, b, ...); removes it afterwards. */
async function withLake(imports: readonly string[], fn: (dir: string, data: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    const data = join(dir, 'data');
    for (const [i, text] of imports.entries()) await importCsv(dir, data, String.fromCharCode(97 + i), text);
    await fn(dir, data);
  } finally {
    await cleanup();
  }
}

/** The rows of one Parquet file in file order. */
async function fileRows(path: string): Promise<Record<string, unknown>[]> {
  const db = await openDb();
  try {
    return (await db.conn.runAndReadAll(`SELECT user_id, strftime(listened_at, '%Y-%m-%dT%H:%M:%S') AS at, dt::VARCHAR AS dt FROM read_parquet(${lit(path)})`)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Rewrites a lake's listens the way earlier versions laid them out: one folder per day, dt only in the path. */
async function toDayFolders(data: string): Promise<void> {
  const dir = listensDir(data);
  const db = await openDb();
  try {
    await db.conn.run(`COPY (SELECT * FROM read_parquet(${lit(join(dir, 'month=*', '*.parquet'))}, hive_partitioning=false)) TO ${lit(join(data, 'old'))} (FORMAT parquet, PARTITION_BY (dt))`);
  } finally {
    db.close();
  }
  await rm(dir, { recursive: true });
  await rename(join(data, 'old'), dir);
}

test('listens land in one folder per UTC month, each file sorted by user then time, with the day as a column', () =>
  withLake([FIRST], async (_dir, data) => {
    assert.deepEqual(folders(data), ['month=2026-01', 'month=2026-02']);
    const jan = filesIn(data).filter((f) => f.includes('month=2026-01'));
    assert.equal(jan.length, 1);
    assert.deepEqual(await fileRows(jan[0]!), [
      { user_id: 'amy', at: '2026-01-03T09:00:00', dt: '2026-01-03' },
      { user_id: 'amy', at: '2026-01-05T10:00:00', dt: '2026-01-05' },
      { user_id: 'zed', at: '2026-01-03T08:00:00', dt: '2026-01-03' },
      { user_id: 'zed', at: '2026-01-31T23:59:59', dt: '2026-01-31' },
    ]);
    assert.deepEqual(await q(data, `SELECT dt::VARCHAR AS dt, count(*) AS n FROM listens WHERE dt >= DATE '2026-01-31' GROUP BY 1 ORDER BY 1`), [
      { dt: '2026-01-31', n: 1 },
      { dt: '2026-02-01', n: 1 },
    ]);
  }));

test('compaction leaves one file per month with the same rows, and the second run does nothing', () =>
  withLake([FIRST, SECOND], async (dir, data) => {
    assert.equal(filesIn(data).length, 4);
    const before = await q(data, ALL);
    assert.equal(before.length, 7);
    const r = await compactLake({ dataDir: data });
    assert.deepEqual({ months: r.months, filesBefore: r.filesBefore, filesAfter: r.filesAfter, rows: r.rows }, { months: 2, filesBefore: 4, filesAfter: 2, rows: 7 });
    assert.deepEqual(folders(data), ['month=2026-01', 'month=2026-02']);
    assert.equal(filesIn(data).length, 2);
    assert.deepEqual(await q(data, ALL), before);
    const jan = filesIn(data).find((f) => f.includes('month=2026-01'))!;
    assert.deepEqual((await fileRows(jan)).map((x) => x['user_id']), ['amy', 'amy', 'bob', 'zed', 'zed']);
    const again = await compactLake({ dataDir: data });
    assert.equal(again.months, 0);
    assert.equal(filesIn(data).length, 2);
    // Importing the same files again finds every listen already in the compacted lake.
    const dup = await runImport({ inputs: [join(dir, 'a'), join(dir, 'b')], dataDir: data });
    assert.equal(dup.totals.duplicatesInLake, 7);
  }));

test('a lake of day folders from an earlier earshot is read as it is, beside month folders, and compaction moves it over', () =>
  withLake([FIRST], async (dir, data) => {
    const expected = await q(data, ALL);
    await toDayFolders(data);
    assert.deepEqual(folders(data), ['dt=2026-01-03', 'dt=2026-01-05', 'dt=2026-01-31', 'dt=2026-02-01']);
    assert.deepEqual(await q(data, ALL), expected);
    // A new import writes month folders; both layouts are read together.
    await importCsv(dir, data, 'b', SECOND);
    const mixed = await q(data, ALL);
    assert.equal(mixed.length, 7);
    // The stream's lake replay reads both too, every listen once.
    const run = await streamLake(data);
    assert.equal(run.counters['accepted'], 7);
    const r = await compactLake({ dataDir: data });
    assert.deepEqual({ months: r.months, filesBefore: r.filesBefore, rows: r.rows }, { months: 2, filesBefore: 6, rows: 7 });
    assert.deepEqual(folders(data), ['month=2026-01', 'month=2026-02']);
    assert.deepEqual(await q(data, ALL), mixed);
  }));

test('a compaction cut off after its new file went in is finished by the next writer; one cut off before is undone', () =>
  withLake([FIRST, SECOND], async (_dir, data) => {
    const before = await q(data, ALL);
    const paths = dataPaths(data);
    const jan = filesIn(data).filter((f) => f.includes('month=2026-01'));
    assert.equal(jan.length, 2);
    // Cut off after the rename: the compacted file and the two it replaces are all there (January twice).
    const final = join(listensDir(data), 'month=2026-01', 'part-crash-0.parquet');
    const db = await openDb();
    try {
      await db.conn.run(`COPY (SELECT * FROM read_parquet([${jan.map(lit).join(', ')}])) TO ${lit(final)} (FORMAT parquet)`);
    } finally {
      db.close();
    }
    await writeFile(join(listensDir(data), '.compact.json'), JSON.stringify({ final, tmp: join(paths.tmp, 'gone.parquet'), old: jan }));
    assert.equal((await q(data, 'SELECT count(*) AS n FROM listens'))[0]!['n'], 12);
    await (await lockLake(paths))();
    assert.equal(existsSync(join(listensDir(data), '.compact.json')), false);
    assert.deepEqual(await q(data, ALL), before);
    assert.equal(filesIn(data).filter((f) => f.includes('month=2026-01')).length, 1);

    // Cut off before the rename: the unpublished file is dropped, the old ones stay.
    await mkdir(paths.tmp, { recursive: true });
    const tmp = join(paths.tmp, 'listens-2026-02-x.parquet');
    await writeFile(tmp, 'half written');
    const feb = filesIn(data).filter((f) => f.includes('month=2026-02'));
    await writeFile(join(listensDir(data), '.compact.json'), JSON.stringify({ final: join(listensDir(data), 'month=2026-02', 'part-never-0.parquet'), tmp, old: feb }));
    await (await lockLake(paths))();
    assert.equal(existsSync(tmp), false);
    assert.deepEqual(filesIn(data).filter((f) => f.includes('month=2026-02')), feb);
    assert.deepEqual(await q(data, ALL), before);
  }));

test('compaction refuses while a server or stream holds the data directory, naming it and saying what to do', () =>
  withLake([FIRST, SECOND], async (_dir, data) => {
    await writeFile(join(data, 'stream.lock'), String(process.pid));
    await assert.rejects(compactLake({ dataDir: data }), (err: Error & { hint?: string }) => {
      assert.match(err.message, new RegExp(`pid ${process.pid}`));
      assert.match(err.hint ?? '', /stop it, run earshot lake compact/);
      return true;
    });
    assert.equal(filesIn(data).length, 4);
  }));

test('after eight imports into one month, imports and the server suggest compaction; after it, they do not', () =>
  withLake([], async (dir, data) => {
    for (let i = 0; i < 7; i++) await importCsv(dir, data, `i${i}`, `${HEAD}x${i},2026-03-0${i + 1}T10:00:00Z,amy,t1,a1,complete,,,200,\n`);
    assert.equal(compactionHint(dataPaths(data)), null);
    await importCsv(dir, data, 'i7', `${HEAD}x7,2026-03-08T10:00:00Z,amy,t1,a1,complete,,,200,\n`);
    assert.match(compactionHint(dataPaths(data)) ?? '', /^1 month has 8 or more listens files .*earshot lake compact --data /);
    await compactLake({ dataDir: data });
    assert.equal(compactionHint(dataPaths(data)), null);
    assert.equal(filesIn(data).length, 1);
  }));

/** md5 of user, start in ms and track key, first 16 hex digits: the listen_id, spelled out here independently. */
const expectedId = (user: string, iso: string, key: string): string =>
  createHash('md5').update(`${user}\u001f${Date.parse(iso)}\u001f${key}`).digest('hex').slice(0, 16);

test('a large import writes listens in file order, listen_id left to readers; compaction sorts them and stores the ids', () =>
  withLake([], async (dir, data) => {
    const s = await runImport({ inputs: await writeFiles(join(dir, 'big'), { 'events.csv': FIRST }), dataDir: data, sortAtImport: 4 });
    assert.equal(s.totals.accepted, 5);
    const files = filesIn(data);
    assert.deepEqual(files.map((f) => f.split('/').pop()!.split('-')[0]), ['unsorted', 'unsorted']);
    // January in the file's order: zed, amy, zed, amy.
    const jan = files.find((f) => f.includes('month=2026-01'))!;
    assert.deepEqual((await fileRows(jan)).map((x) => x['user_id']), ['zed', 'amy', 'zed', 'amy']);
    const db = await openDb();
    try {
      const stored = (await db.conn.runAndReadAll(`SELECT count(listen_id) FROM read_parquet(${lit(jan)})`)).getRows()[0]![0];
      assert.equal(Number(stored), 0);
    } finally {
      db.close();
    }
    const ids = await q(data, `SELECT user_id, strftime(listened_at, '%Y-%m-%dT%H:%M:%SZ') AS at, track_key, listen_id FROM listens ORDER BY ALL`);
    assert.equal(ids.length, 5);
    for (const r of ids) assert.equal(r['listen_id'], expectedId(String(r['user_id']), String(r['at']), String(r['track_key'])));
    assert.match(compactionHint(dataPaths(data)) ?? '', /^2 months are in file order .*earshot lake compact --data /);

    const before = await q(data, ALL);
    const r = await compactLake({ dataDir: data });
    assert.deepEqual({ months: r.months, filesBefore: r.filesBefore, rows: r.rows }, { months: 2, filesBefore: 2, rows: 5 });
    assert.equal(compactionHint(dataPaths(data)), null);
    assert.deepEqual(await q(data, ALL), before);
    const after = filesIn(data);
    assert.ok(after.every((f) => f.split('/').pop()!.startsWith('part-')));
    const janAfter = after.find((f) => f.includes('month=2026-01'))!;
    assert.deepEqual((await fileRows(janAfter)).map((x) => x['user_id']), ['amy', 'amy', 'zed', 'zed']);
    const db2 = await openDb();
    try {
      const rows = (await db2.conn.runAndReadAll(`SELECT user_id, strftime(listened_at, '%Y-%m-%dT%H:%M:%SZ') AS at, track_key, listen_id FROM read_parquet(${lit(janAfter)})`)).getRowObjectsJson();
      for (const x of rows) assert.equal(x['listen_id'], expectedId(String(x['user_id']), String(x['at']), String(x['track_key'])));
    } finally {
      db2.close();
    }
    // And importing the same file again finds every listen already there.
    const dup = await runImport({ inputs: [join(dir, 'big')], dataDir: data, sortAtImport: 4 });
    assert.equal(dup.totals.duplicatesInLake, 5);
  }));

test('an import writes one folder per month that has listens, also across a gap, and over many months', () =>
  withLake([], async (dir, data) => {
    const gap = `${HEAD}e1,2026-01-10T10:00:00Z,amy,t1,a1,complete,,,200,\ne2,2026-03-10T10:00:00Z,amy,t2,a1,complete,,,200,\n`;
    await importCsv(dir, data, 'gap', gap);
    assert.deepEqual(folders(data), ['month=2026-01', 'month=2026-03']);
    // Twenty months (past the one-COPY-per-month limit): one partitioned write.
    const lines = Array.from({ length: 20 }, (_, i) => `m${i},${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-15T12:00:00Z,bob,t1,a1,complete,,,200,`);
    await importCsv(dir, data, 'many', `${HEAD}${lines.join('\n')}\n`);
    const many = folders(data).filter((f) => f < 'month=2026');
    assert.equal(many.length, 20);
    assert.equal(many[0], 'month=2023-01');
    assert.equal(many[19], 'month=2024-08');
    assert.equal(Number((await q(data, 'SELECT count(*) AS n FROM listens'))[0]!['n']), 22);
  }));

test('compaction of a data directory that does not exist says so, and creates nothing', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const missing = join(dir, 'no-such-data');
    await assert.rejects(compactLake({ dataDir: missing }), /no data directory at .*no-such-data/);
    assert.equal(existsSync(missing), false);
  } finally {
    await cleanup();
  }
});
