// Invariants every import must keep, whatever it was fed: counts add up per table, per file and in
// total; every reject is in the rejects file, well formed; what was accepted is in the lake. Plus the
// stronger expectations of a file whose mutation is known (all other records land, the bad one is
// rejected at its own line).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Counts, FileSummary, ImportSummary } from '../../src/import/summary.js';
import { attachLake } from '../../src/lake/views.js';
import { dataPaths } from '../../src/lake/paths.js';
import { all } from '../../src/util/db.js';
import type { Role } from './files.js';

export type Expectation =
  /** The sample as is: every record accepted. */
  | { readonly kind: 'valid'; readonly n: number }
  /**
   * Records mutated, duplicated, garbage lines inserted (roles[i] and locs[i] of each item): every item
   * is read; untouched records all land; rejects only at touched or garbage items; a must-reject item is
   * rejected at its loc, saying what was expected; a duplicated record counts as a duplicate.
   */
  | { readonly kind: 'mixed'; readonly roles: readonly Role[]; readonly locs: readonly number[] }
  /** Cut short: `complete` records wholly before the cut (text codecs) must be read and land. */
  | { readonly kind: 'truncated'; readonly complete: number; readonly bytes: number; readonly binary: boolean }
  | { readonly kind: 'empty' }
  /** Another format's file forced with this --format: a file-level message, or its records counted. */
  | { readonly kind: 'foreign' }
  /** Garbage: only the invariants. */
  | { readonly kind: 'any' };

export interface FileCase {
  readonly path: string;
  readonly expect: Expectation;
  /** What was done to the file, for messages. */
  readonly ctx: string;
}

export interface RejectLine {
  readonly file: string;
  readonly loc: number | null;
  readonly field: string;
  readonly reason: string;
  readonly raw?: unknown;
}

const COUNT_KEYS: readonly (keyof Counts)[] = ['read', 'accepted', 'duplicates', 'duplicatesInImport', 'duplicatesInLake', 'rejected'];

function checkCounts(c: Counts, where: string): void {
  for (const k of COUNT_KEYS) assert.ok(Number.isInteger(c[k]) && c[k] >= 0, `${where}: ${k} = ${c[k]} is not a count`);
  assert.equal(c.duplicates, c.duplicatesInImport + c.duplicatesInLake, `${where}: duplicates = in import + in lake`);
  assert.equal(c.read, c.accepted + c.duplicates + c.rejected, `${where}: read = accepted + duplicates + rejected (${JSON.stringify(c)})`);
}

async function rejectLines(file: string): Promise<RejectLine[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      let r: unknown;
      assert.doesNotThrow(() => (r = JSON.parse(l)), `rejects file ${file} line ${i + 1} is not JSON: ${l.slice(0, 200)}`);
      return r as RejectLine;
    });
}

/** The rejects file line is well formed: file, loc (a number, or null for the whole file), field, a reason. */
function checkRejectLine(r: RejectLine, where: string): void {
  const shown = JSON.stringify({ ...r, raw: undefined }).slice(0, 400);
  assert.equal(typeof r.file, 'string', `${where}: reject without a file: ${shown}`);
  assert.ok(r.loc === null || (typeof r.loc === 'number' && Number.isInteger(r.loc) && r.loc >= 0), `${where}: reject loc must be a line/record number or null: ${shown}`);
  assert.ok(typeof r.field === 'string' && r.field.length > 0, `${where}: reject without a field: ${shown}`);
  assert.ok(typeof r.reason === 'string' && r.reason.trim().length >= 10, `${where}: reject without a clear reason: ${shown}`);
  // Field rejects say what was expected; whole-record problems (unparsable JSON, a truncated file) say what is wrong.
  if (!r.field.startsWith('(')) assert.match(r.reason, /^expected /, `${where}: a field reject's reason starts with 'expected': ${shown}`);
}

export interface CheckContext {
  /** Connection used to query the lake. */
  readonly duck: DuckDBConnection;
  readonly dataDir: string;
  /** The format the import was meant to use: the strong expectations hold only for files read with it. */
  readonly format: string;
  /** Appended to every message (seed, how to reproduce). */
  readonly tag: string;
}

/** Checks the summary of one runImport over `cases` (and the lake and rejects file it left). */
export async function checkImport(summary: ImportSummary, cases: readonly FileCase[], cx: CheckContext): Promise<void> {
  const byFile = new Map<string, FileSummary>();
  for (const f of summary.files) {
    assert.ok(!byFile.has(f.file), `${cx.tag}: ${f.file} appears twice in the summary`);
    byFile.set(f.file, f);
  }

  // Totals are the sum of the files; each file's counts add up, per table too.
  const sum: Record<string, number> = {};
  for (const f of summary.files) {
    const where = `${cx.tag} ${f.file}`;
    checkCounts(f, where);
    for (const k of COUNT_KEYS) sum[k] = (sum[k] ?? 0) + f[k];
    let tablesRead = 0;
    let tablesRejected = 0;
    for (const [t, c] of Object.entries(f.tables)) {
      checkCounts(c, `${where} [${t}]`);
      tablesRead += c.read;
      tablesRejected += c.rejected;
    }
    // Whatever a file read beyond its tables' rows (unparsable records, broken CSV lines) is rejected.
    assert.equal(f.read - tablesRead, f.rejected - tablesRejected, `${where}: rows read outside the tables must all be rejected`);
    assert.equal(f.accepted + f.duplicates, Object.values(f.tables).reduce((a, c) => a + c.accepted + c.duplicates, 0), `${where}: accepted/duplicates come from tables`);
    if (f.error !== undefined) assert.ok(f.error.trim().length > 0, `${where}: an empty error message`);
    if (f.skipped !== undefined) assert.ok(f.skipped.trim().length > 0, `${where}: an empty skip message`);
  }
  checkCounts(summary.totals, `${cx.tag} totals`);
  for (const k of COUNT_KEYS) assert.equal(summary.totals[k], sum[k] ?? 0, `${cx.tag}: totals.${k} is the sum over files`);

  // Rejects: in the rejects file, well formed, as many per file as the summary says.
  const rejects = summary.rejectsFile && existsSync(summary.rejectsFile) ? await rejectLines(summary.rejectsFile) : [];
  if (summary.totals.rejected > 0) {
    assert.ok(summary.rejectsFile, `${cx.tag}: ${summary.totals.rejected} rejected but no rejects file`);
    assert.ok(existsSync(summary.rejectsFile), `${cx.tag}: the rejects file ${summary.rejectsFile} does not exist`);
  }
  for (const r of rejects) checkRejectLine(r, `${cx.tag} ${r.file}`);
  assert.equal(rejects.length, summary.totals.rejected, `${cx.tag}: lines in the rejects file = totals.rejected`);
  const rejectsOf = (file: string): RejectLine[] => rejects.filter((r) => r.file === file);
  for (const f of summary.files) assert.equal(rejectsOf(f.file).length, f.rejected, `${cx.tag} ${f.file}: rejects file lines of the file = its rejected`);

  // The lake holds exactly what was accepted, per table and per file, and can be read.
  await attachLake(cx.duck, dataPaths(cx.dataDir));
  for (const [t, written] of Object.entries(summary.written)) {
    const accepted = summary.files.reduce((a, f) => a + (f.tables[t as keyof FileSummary['tables']]?.accepted ?? 0), 0);
    assert.equal(written, accepted, `${cx.tag}: written[${t}] = sum of the files' accepted`);
    const rows = await all(cx.duck, `SELECT origin, count(*) AS n FROM ${t} GROUP BY origin`);
    const lake = new Map(rows.map((r) => [String(r['origin']), Number(r['n'])]));
    assert.equal([...lake.values()].reduce((a, b) => a + b, 0), written, `${cx.tag}: rows of ${t} in the lake = written`);
    for (const f of summary.files) assert.equal(lake.get(f.file) ?? 0, f.tables[t as keyof FileSummary['tables']]?.accepted ?? 0, `${cx.tag} ${f.file}: its ${t} rows in the lake = accepted`);
    // Every column of every row reads back.
    await all(cx.duck, `SELECT * FROM ${t}`);
  }

  for (const c of cases) {
    const f = byFile.get(c.path);
    assert.ok(f, `${cx.tag}: no summary for ${c.path} (${c.ctx})`);
    expectFile(f, c, rejectsOf(c.path), cx);
  }
}

function expectFile(f: FileSummary, c: FileCase, rejects: readonly RejectLine[], cx: CheckContext): void {
  const e = c.expect;
  const where = `${cx.tag} ${c.path} [${c.ctx}] read as ${f.format ?? 'nothing'}`;
  const show = `${where}: ${JSON.stringify({ ...f, tables: undefined })}; rejects: ${JSON.stringify(rejects.map((r) => ({ loc: r.loc, field: r.field, reason: r.reason.slice(0, 160) })))}`;
  const message = f.error ?? f.skipped;
  if (e.kind === 'empty') {
    assert.ok(f.skipped !== undefined || f.error !== undefined, `${show}: an empty file must say it was skipped`);
    assert.equal(f.read, 0, show);
    return;
  }
  if (e.kind === 'foreign') {
    assert.ok(message !== undefined || f.read > 0, `${show}: a non-empty file must give a message or count its records`);
    return;
  }
  if (e.kind === 'any' || f.format !== cx.format) return;
  const intact = (): void => assert.equal(message, undefined, `${show}: a file-level failure for a record-level problem`);
  switch (e.kind) {
    case 'valid':
      intact();
      assert.deepEqual([f.read, f.accepted, f.duplicates, f.rejected], [e.n, e.n, 0, 0], `${show}: the valid sample must land whole`);
      return;
    case 'mixed': {
      intact();
      const count = (r: Role): number => e.roles.filter((x) => x === r).length;
      assert.equal(f.read, e.roles.length, `${show}: every record and line must be read`);
      const mayReject = new Set(e.locs.filter((_, i) => e.roles[i] !== 'ok' && e.roles[i] !== 'duplicate'));
      assert.deepEqual(
        rejects.filter((r) => r.loc === null || !mayReject.has(r.loc)).map((r) => `${r.loc} ${r.field}: ${r.reason.slice(0, 120)}`),
        [],
        `${show}: rejects only at the touched items (locs ${[...mayReject].join(', ')})`,
      );
      for (const [i, role] of e.roles.entries()) {
        if (role !== 'must-reject') continue;
        const loc = e.locs[i];
        const mine: RejectLine[] = rejects.filter((r) => r.loc === loc);
        assert.equal(mine.length, 1, `${show}: item ${i} (loc ${e.locs[i]}) must be rejected once`);
        // A field reject says what was expected; a record that is no JSON at all says so ('(record)').
        if (!mine[0]!.field.startsWith('(')) assert.match(mine[0]!.reason, /^expected /, `${show}: the reason says what was expected`);
      }
      assert.ok(f.accepted >= count('ok'), `${show}: the ${count('ok')} untouched records must all land`);
      assert.ok(f.duplicates >= count('duplicate'), `${show}: ${count('duplicate')} repeated records must count as duplicates`);
      assert.ok(f.rejected <= count('touched') + count('must-reject') + count('garbage'), `${show}: only touched items may be rejected`);
      return;
    }
    case 'truncated':
      if (e.bytes === 0) {
        assert.ok(f.skipped !== undefined || f.error !== undefined, `${show}: an empty file must say it was skipped`);
        return;
      }
      if (e.binary) {
        assert.ok(message !== undefined || f.read > 0, `${show}: a truncated binary file must give a message or count rows`);
        return;
      }
      if (e.complete > 0) {
        intact();
        assert.ok(f.read >= e.complete && f.accepted >= e.complete, `${show}: the ${e.complete} records before the cut must land`);
      }
      return;
  }
}
