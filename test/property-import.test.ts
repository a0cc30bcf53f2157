// Property-based tests of the import pipeline over EVERY format in the registry: malformed input
// (truncated files, wrong types, missing fields, impossible dates, binary garbage, empty files, a file
// of another format) never crashes an import; each file gets a clear message or its records counted
// (read = accepted + duplicates + rejected, per table and in total), every reject is a well-formed line
// of the rejects file, untouched records all land, and the lake holds exactly what was accepted.
// Samples per format: test/property/samples.ts (a format without one fails here); file writing and
// mutations: test/property/files.ts; the invariants: test/property/check.ts.
//
// Bugs these properties found are kept as regression tests below (a hang in the JSON-array reader, a
// silently dropped CSV with a broken header, quoted line breaks, Windows-1252 tags, rounded ids).
//
// Reproduce: PROPERTY_SEED=<seed> (default 20240611; each format's fast-check seed is in its suite name,
// a failure prints seed and path). More coverage: PROPERTY_RUNS=8 PROPERTY_FOREIGN=all. Per-import
// times: PROPERTY_TIMING=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { FORMATS } from '../src/formats/registry.js';
import { runImport } from '../src/import/run.js';
import type { ImportSummary } from '../src/import/summary.js';
import { openDb, type Db } from '../src/util/db.js';
import { checkImport, type FileCase } from './property/check.js';
import { mutationArb, plan, writeItems, type Item, type Mutation } from './property/files.js';
import { SAMPLES, type SampleSpec } from './property/samples.js';

const BASE_SEED = Number(process.env['PROPERTY_SEED'] ?? 20240611);
/**
 * The budget. Every file an import reads costs a fixed amount of DuckDB planning whatever its size (from
 * ~50 ms to seconds, depending on the format's SQL), so each run packs many mutations into one file, and
 * a format gets fewer runs the more one file of it costs (measured by its valid-sample test, which runs
 * first). PROPERTY_RUNS=n gives every format n runs of each property; PROPERTY_FOREIGN=n|all sets how
 * many other formats' samples each format is forced onto.
 */
interface Budget {
  readonly near: number;
  readonly detection: boolean;
  readonly garbage: number;
  readonly garbageFiles: number;
  readonly foreign: number;
}
const costMs = new Map<string, number>();
function budgetOf(name: string): Budget {
  const ms = costMs.get(name) ?? 0;
  const b: Budget =
    ms <= 600
      ? { near: 4, detection: true, garbage: 3, garbageFiles: 3, foreign: 6 }
      : ms <= 2500
        ? { near: 2, detection: true, garbage: 1, garbageFiles: 2, foreign: 2 }
        : { near: 1, detection: false, garbage: 1, garbageFiles: 1, foreign: 1 };
  const runs = process.env['PROPERTY_RUNS'] ? Number(process.env['PROPERTY_RUNS']) : undefined;
  const foreign = process.env['PROPERTY_FOREIGN'];
  return {
    ...b,
    ...(runs ? { near: runs, garbage: runs, detection: true } : {}),
    foreign: Math.min(FORMATS.length - 1, foreign === 'all' ? Infinity : foreign ? Number(foreign) : b.foreign),
  };
}
const cut01 = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** A seed per format, so formats do not all see the same sequence of mutations. */
function seedOf(name: string): number {
  let h = BASE_SEED;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h >>> 0;
}

/** fc.assert, with a failure message that fits a screen: huge strings elided, the assertion's message last. */
async function assertProperty<Ts extends [unknown, ...unknown[]]>(prop: fc.IAsyncPropertyWithHooks<Ts>, params: fc.Parameters<Ts>): Promise<void> {
  const out = await fc.check(prop, params);
  if (!out.failed) return;
  const shown = fc.stringify(out.counterexample).replace(/(.)\1{40,}/g, (m, ch: string) => `${ch}…(×${m.length})`);
  const err = out.errorInstance;
  throw new Error(
    `property failed: seed ${out.seed}, path "${out.counterexamplePath}" (PROPERTY_SEED=${BASE_SEED}; replay with { seed, path })\n` +
      `counterexample: ${shown.slice(0, 4000)}\n` +
      `${err instanceof Error ? err.message : String(err)}`,
  );
}

async function withTemp<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'earshot-prop-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sampleOf(name: string): SampleSpec {
  const s = SAMPLES[name];
  assert.ok(s, `format "${name}" has no sample: add a small valid sample file for it to SAMPLES in test/property/samples.ts`);
  return s;
}

/** Imports `cases` into a fresh data dir under `dir`, checking invariants; `format` undefined = detection. */
async function importAndCheck(db: Db, dir: string, name: string, cases: FileCase[], format: string | undefined, tag: string): Promise<ImportSummary> {
  const spec = sampleOf(name);
  const dataDir = join(dir, `data-${format ?? 'detect'}`);
  let summary: ImportSummary | undefined;
  const t0 = performance.now();
  try {
    summary = await runImport({ inputs: cases.map((c) => c.path), dataDir, ...(format ? { format } : {}), ...(spec.opts ?? {}) });
  } catch (err) {
    assert.fail(`${tag}: runImport threw for ${cases.map((c) => `${c.path} [${c.ctx}]`).join(', ')}: ${(err as Error).stack ?? String(err)}`);
  }
  const t1 = performance.now();
  await checkImport(summary, cases, { duck: db.conn, dataDir, format: name, tag });
  if (process.env['PROPERTY_TIMING']) {
    const sizes = cases.map((c) => `${c.ctx.slice(0, 40)}`).join(' | ');
    console.error(`[timing] ${tag}: import ${(t1 - t0).toFixed(0)} ms, check ${(performance.now() - t1).toFixed(0)} ms, ${cases.length} files: ${sizes}`);
  }
  await rm(dataDir, { recursive: true, force: true });
  return summary;
}

/** Writes `variants` of a format's sample as one file under dir/label, with mutations `ms` applied. */
async function mutatedFile(db: Db, dir: string, name: string, label: string, variants: readonly number[], ms: readonly Mutation[]): Promise<FileCase> {
  const spec = sampleOf(name);
  await mkdir(join(dir, label), { recursive: true });
  const path = join(dir, label, spec.file);
  const records = variants.flatMap((v) => spec.records(v));
  const p = plan(spec, records, ms, spec.codec.kind === 'csv');
  const written = await writeItems(path, spec.codec, p.items, db.conn);
  if (ms.length === 0) return { path, ctx: 'unmutated', expect: { kind: 'valid', n: records.length } };
  return { path, ctx: p.description, expect: { kind: 'mixed', roles: p.roles, locs: written.locs } };
}

/** The sample (variants) cut short at `fraction` of its bytes. */
async function truncatedFile(db: Db, dir: string, name: string, label: string, variants: readonly number[], fraction: number): Promise<FileCase> {
  const spec = sampleOf(name);
  await mkdir(join(dir, label), { recursive: true });
  const path = join(dir, label, spec.file);
  const items: Item[] = variants.flatMap((v) => spec.records(v)).map((rec) => ({ rec }));
  const written = await writeItems(path, spec.codec, items, db.conn);
  const bytes = Math.floor(fraction * written.body.length);
  await writeFile(path, written.body.subarray(0, bytes));
  const complete = bytes < written.headerEnd ? 0 : written.spans.filter(([, end]) => end <= bytes).length;
  return {
    path,
    ctx: `truncated at byte ${bytes} of ${written.body.length}`,
    expect: { kind: 'truncated', complete, bytes, binary: spec.codec.kind === 'parquet' },
  };
}

/** A valid copy of the sample that must land whole next to whatever else is imported. */
const validFile = (db: Db, dir: string, name: string, label: string, variant: number): Promise<FileCase> => mutatedFile(db, dir, name, label, [variant], []);

// ---- garbage ------------------------------------------------------------------------------------

const csvChars = fc.constantFrom(...'ab,;\t"\'\n\r 0123456789-:.TZ\\é🎵\u0000'.split(''));
/** Random files: bytes, JSON values, NDJSON-ish lines, CSV-ish text, sample-shaped records of garbage. */
function garbageArb(spec: SampleSpec): fc.Arbitrary<{ label: string; body: Uint8Array | string }> {
  const keys = [...new Set(spec.records(0).flatMap((r) => Object.keys(r)))];
  const delim = spec.codec.kind === 'csv' ? (spec.codec.delim ?? ',') : ',';
  const header = spec.codec.kind === 'csv' ? spec.codec.columns.join(delim) : keys.join(',');
  const shaped = fc.array(fc.dictionary(fc.constantFrom(...keys, 'extra'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: keys.length + 1 }), { minLength: 1, maxLength: 6 });
  return fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((b) => ({ label: 'random bytes', body: b })),
    fc.jsonValue().map((v) => ({ label: 'a random JSON value', body: JSON.stringify(v) ?? 'null' })),
    fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 1, maxLength: 8 }).map((vs) => ({ label: 'random NDJSON', body: vs.map((v) => JSON.stringify(v)).join('\n') + '\n' })),
    fc.array(fc.string({ unit: csvChars, maxLength: 60 }), { minLength: 1, maxLength: 10 }).map((ls) => ({ label: 'CSV-ish text', body: ls.join('\n') })),
    fc
      .array(fc.array(fc.string({ unit: csvChars, maxLength: 12 }), { maxLength: 8 }), { minLength: 1, maxLength: 8 })
      .map((rows) => ({ label: 'the CSV header, then random rows', body: [header, ...rows.map((r) => r.join(delim))].join('\n') })),
    shaped.map((rs) => ({ label: 'sample-shaped records of random JSON (NDJSON)', body: rs.map((r) => JSON.stringify(r)).join('\n') })),
    shaped.map((rs) => ({ label: 'sample-shaped records of random JSON (array)', body: JSON.stringify(rs, null, 1) })),
    shaped.map((rs) => ({ label: 'sample-shaped records of random JSON (payload)', body: JSON.stringify({ listen_type: 'import', payload: rs }) })),
  );
}

// ---- the tests -------------------------------------------------------------------------------------

test('every format in the registry has a property-test sample', () => {
  const missing = FORMATS.map((f) => f.name).filter((n) => !SAMPLES[n]);
  assert.deepEqual(missing, [], `add a small valid sample for ${missing.join(', ')} to SAMPLES in test/property/samples.ts`);
  const stale = Object.keys(SAMPLES).filter((n) => !FORMATS.some((f) => f.name === n));
  assert.deepEqual(stale, [], `SAMPLES names formats the registry does not have: ${stale.join(', ')}`);
});

// Regression (a bug this suite found, now fixed), found by the garbage property (random bytes forced as spotify-extended): the JSON-array
// reader loops forever on a `}` at the array's top level. Run in a child process with a small heap and
// a timeout, since in-process it would take the whole test run down.
test(
  'a JSON array with a stray top-level } is read up to it, not looped on until out of memory',
  async () => {
    await withTemp(async (dir) => {
      const file = join(dir, 'StreamingHistory_music_0.json');
      await writeFile(file, '[{"endTime": "2024-01-01 10:00", "artistName": "A", "trackName": "T", "msPlayed": 1000},\n}');
      const run = pathToFileURL(resolve('src/import/run.ts')).href;
      const script = `const { runImport } = await import(${JSON.stringify(run)});
        const s = await runImport({ inputs: [${JSON.stringify(file)}], dataDir: ${JSON.stringify(join(dir, 'data'))}, format: 'spotify-account' });
        console.log(JSON.stringify(s.files[0]));`;
      const r = spawnSync(process.execPath, ['--max-old-space-size=48', '--import', 'tsx', '--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
      assert.equal(r.status, 0, `the import did not finish (signal ${r.signal}): ${(r.stderr ?? '').slice(-300)}`);
      const f = JSON.parse(r.stdout.trim().split('\n').pop()!) as { accepted: number; rejected: number };
      assert.equal(f.accepted, 1);
      assert.ok(f.rejected >= 1);
    });
  },
);

/** Imports one hand-written file (fresh data dir) and returns its file summary. */
async function importOne(file: string, body: string, format?: string): Promise<ImportSummary['files'][number]> {
  return withTemp(async (dir) => {
    const path = join(dir, file);
    await writeFile(path, body);
    const s = await runImport({ inputs: [path], dataDir: join(dir, 'data'), ...(format ? { format } : {}) });
    return s.files[0]!;
  });
}

// Regression (a bug this suite found, now fixed), found by the wrong---format property (an NDJSON file forced as a CSV format): a header line
// DuckDB cannot parse (here an unterminated quote) makes read_csv return no rows and store no rejects,
// so every line is dropped without a word. Found with --format, but detection takes this file too.
test(
  'a CSV whose header line has an unterminated quote is not dropped silently',
  async () => {
    const f = await importOne('events.csv', 'event_ts,action,user_id,"song_id\n2024-01-01T10:00:00Z,play,u1,s1\n2024-01-01T11:00:00Z,play,u1,s2\n');
    assert.equal(f.format, 'events-csv');
    assert.ok(f.error !== undefined || f.read === 2, `2 data lines, yet: ${JSON.stringify(f)}`);
  },
);

// Regression (a bug this suite found, now fixed), found by the near-valid property (a title holding a line break, in a CSV): read_csv with
// null_padding=true and the parallel scanner refuses some quoted line breaks, failing the whole file.
test(
  'a quoted line break inside a CSV value is read as part of the value, not a whole-file failure',
  async () => {
    const f = await importOne('listening_logs.csv', 'user_id,song_id,timestamp,duration_sec\nu0,"a\nb",2024-01-01 10:00:00,200\n');
    assert.equal(f.error, undefined, `the file failed: ${f.error?.slice(0, 200)}`);
    assert.deepEqual([f.read, f.accepted], [1, 1]);
  },
);

// Regression (a bug this suite found, now fixed), found by the near-valid property (a tag holding U+FFFD, another a combining accent): a
// tags.dat read as Latin-1 fails whole on any byte 0x80-0x9F, as UTF-8 text and Windows-1252 have.
test(
  'a tags.dat with U+FFFD and an em dash in UTF-8 is read, not failed whole as "not latin-1 encoded"',
  async () => {
    const f = await importOne('tags.dat', 'tagID\ttagValue\n1\tmetal\ufffd\n2\tpost\u2014rock\n3\tjazz\n');
    assert.equal(f.error, undefined, `the file failed: ${f.error}`);
    assert.deepEqual([f.format, f.read, f.accepted], ['hetrec-tags', 3, 3]);
  },
);

// Regression (a bug this suite found, now fixed), found by the near-valid property (userID "1.5" in user_artists.dat): TRY_CAST('1.5' AS
// BIGINT) rounds to 2 in DuckDB, so the "whole number" check passes and the row lands as user 2 (here
// a duplicate of user 2's row). Weights like 7.6 are rounded the same way.
test(
  'a HetRec id that is not a whole number (1.5) is rejected, not rounded to another id',
  async () => {
    const f = await importOne('user_artists.dat', 'userID\tartistID\tweight\n2\t51\t100\n1.5\t51\t100\n');
    assert.deepEqual([f.format, f.read, f.accepted, f.rejected], ['hetrec-user-artists', 2, 1, 1], JSON.stringify(f));
  },
);

describe(`every format, fed garbage and near-valid records (PROPERTY_SEED=${BASE_SEED})`, { concurrency: 2 }, () => {
  for (const format of FORMATS) {
    const name = format.name;
    const seed = seedOf(name);
    const spec = SAMPLES[name];
    if (!spec) {
      test(`${name}: has a sample`, () => void sampleOf(name));
      continue;
    }
    // One format's tests run one after the other: they share a DuckDB connection (and its lake views).
    describe(`${name} (fast-check seed ${seed})`, { concurrency: 1 }, () => {
      let db: Db;
      before(async () => {
        db = await openDb();
      });
      after(() => db.close());

      test(!spec.detectable ? 'the valid sample lands whole with --format' : 'the valid sample is detected as this format and lands whole', async (t) => {
        const spec = sampleOf(name);
        await withTemp(async (dir) => {
          const c = await validFile(db, dir, name, 'valid', 0);
          const t0 = performance.now();
          const s = await importAndCheck(db, dir, name, [c], spec.detectable ? undefined : name, `${name} valid sample${spec.detectable ? ' (detection)' : ''}`);
          costMs.set(name, performance.now() - t0);
          if (spec.detectable) assert.equal(s.files[0]!.format, name, `${name} valid sample: detection picks ${s.files[0]!.format ?? 'nothing'}`);
        });
        const b = budgetOf(name);
        t.diagnostic(`one file costs ~${Math.round(costMs.get(name)!)} ms: ${b.near} near-valid runs, ${b.garbage} garbage runs, ${b.foreign} other formats`);
      });

      test('near-valid records: mutated, duplicated, garbage lines, truncated; with --format, and once by detection', async () => {
        const spec = sampleOf(name);
        const budget = budgetOf(name);
        let detection = budget.detection;
        await assertProperty(
          fc.asyncProperty(fc.array(mutationArb(spec), { minLength: 1, maxLength: 12 }), cut01, async (ms, cut) =>
            withTemp(async (dir) => {
              const a = await mutatedFile(db, dir, name, 'a', [0, 1, 2, 3, 4], ms);
              const c = await truncatedFile(db, dir, name, 'c', [6, 7], cut);
              await importAndCheck(db, dir, name, [a, c], name, `${name} near-valid`);
              if (detection) await importAndCheck(db, dir, name, [a], undefined, `${name} near-valid (detection)`);
              detection = false;
            }),
          ),
          { numRuns: budget.near, seed, endOnFailure: true },
        );
      });

      test('garbage: random bytes, JSON, CSV-ish text, stacked mutations, with --format; a valid file beside them lands', async () => {
        const spec = sampleOf(name);
        const budget = budgetOf(name);
        let first = budget.garbageFiles > 1;
        await assertProperty(
          fc.asyncProperty(fc.array(garbageArb(spec), { minLength: budget.garbageFiles, maxLength: budget.garbageFiles }), fc.array(mutationArb(spec), { minLength: 3, maxLength: 12 }), cut01, async (garbage, stacked, cut) =>
            withTemp(async (dir) => {
              const cases: FileCase[] = [];
              for (const [j, g] of garbage.entries()) {
                await mkdir(join(dir, `g${j}`));
                const path = join(dir, `g${j}`, spec.file);
                await writeFile(path, g.body);
                cases.push({ path, ctx: g.label, expect: { kind: 'any' } });
              }
              // Many mutations on one file, then cut short: only the invariants hold.
              const chaos = await mutatedFile(db, dir, name, 'chaos', [8, 9], stacked);
              const body = await readFile(chaos.path);
              await writeFile(chaos.path, body.subarray(0, Math.floor((0.5 + cut / 2) * body.length)));
              cases.push({ ...chaos, ctx: `${chaos.ctx}; cut short`, expect: { kind: 'any' } });
              // The rest of the import is unaffected: a valid file next to the garbage lands whole.
              if (first) cases.push(await validFile(db, dir, name, 'valid', 10));
              first = false;
              await importAndCheck(db, dir, name, cases, name, `${name} garbage`);
            }),
          ),
          { numRuns: budget.garbage, seed: seed + 1, endOnFailure: true },
        );
      });

      test("an empty file and other formats' samples, forced with this --format", async () => {
        const spec = sampleOf(name);
        const n = budgetOf(name).foreign;
        // Which other formats: a seeded pick, so each format meets a different few (PROPERTY_FOREIGN=all: all).
        const others = fc.sample(fc.shuffledSubarray(FORMATS.filter((f) => f.name !== name), { minLength: n, maxLength: n }), { numRuns: 1, seed })[0]!;
        await withTemp(async (dir) => {
          const cases: FileCase[] = [];
          await mkdir(join(dir, 'empty'));
          const empty = join(dir, 'empty', spec.file);
          await writeFile(empty, '');
          cases.push({ path: empty, ctx: 'empty file', expect: { kind: 'empty' } });
          for (const other of others) {
            const o = sampleOf(other.name);
            const folder = join(dir, `other-${other.name}`);
            await mkdir(folder);
            const path = join(folder, o.file);
            await writeItems(path, o.codec, o.records(11).map((rec) => ({ rec })), db.conn);
            cases.push({ path, ctx: `a ${other.name} file`, expect: { kind: 'foreign' } });
          }
          await importAndCheck(db, dir, name, cases, name, `${name} wrong --format`);
        });
      });
    });
  }
});
