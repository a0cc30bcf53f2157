// `earshot import`: finds each file's format, stages it with one SQL pass, then commits every table
// (catalogues first), writes the rejects file and appends the summary to the import history.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { detectFormat, formatByName, FORMATS } from '../formats/registry.js';
import { rawRelation } from '../formats/readers.js';
import type { FormatOptions } from '../formats/types.js';
import { lockLake } from '../lake/compact.js';
import { dataPaths } from '../lake/paths.js';
import type { TableName } from '../model/schema.js';
import { all, lit, openDb, scalar } from '../util/db.js';
import { errorMessage, InputError, UsageError } from '../util/errors.js';
import { COMMIT_ORDER, commitTable, createRejectsTable, type StagedOutput } from './commit.js';
import { expandInputs, readHead } from './inputs.js';
import { sharedSource, stageSql } from './stage.js';
import { fixCsvLines } from './csv-lines.js';
import { buildSummary, type FileOutcome, type ImportSummary } from './summary.js';

export interface ImportOptions extends FormatOptions {
  readonly inputs: readonly string[];
  readonly dataDir: string;
  readonly format?: string;
  readonly onProgress?: (p: ImportProgress) => void;
  /** Most listens written sorted (src/lake/layout.ts SORT_AT_IMPORT); tests lower it. */
  readonly sortAtImport?: number;
}

export interface ImportProgress {
  readonly phase: 'stage' | 'commit';
  readonly label: string;
  readonly step: number;
  readonly steps: number;
  /** Progress of the running statement, 0-100, where DuckDB knows it. */
  readonly percent: number;
}

function newImportId(): string {
  const t = new Date().toISOString().replace(/[-:T.Z]/g, '').slice(0, 14);
  return `i${t}_${randomBytes(3).toString('hex')}`;
}

/** Runs a statement while reporting DuckDB's own progress of it. */
async function withProgress<T>(conn: DuckDBConnection, work: Promise<T>, report: (pct: number) => void): Promise<T> {
  const timer = setInterval(() => {
    const p = conn.progress;
    if (p.percentage >= 0) report(Math.min(100, p.percentage));
  }, 150);
  const t0 = performance.now();
  try {
    return await work;
  } finally {
    clearInterval(timer);
    if (process.env['EARSHOT_TIMING']) console.error(`[timing] ${((performance.now() - t0) / 1000).toFixed(3)} s`);
  }
}

/**
 * DuckDB reads nothing from a text file whose layout is far from what the format declared (a JSON file
 * forced as CSV, say) and says nothing either. A file with lines that yields no rows and no rejects is
 * therefore a file-level error, never a silent zero.
 */
async function assertSomethingRead(
  conn: DuckDBConnection,
  file: { path: string; origin: string },
  stages: readonly string[],
  csvRejects: string | undefined,
  preRejects: number,
): Promise<void> {
  let n = preRejects;
  for (const s of stages) n += Number(await scalar(conn, `SELECT count(*) FROM ${s}`));
  if (csvRejects) n += Number(await scalar(conn, `SELECT count(*) FROM ${csvRejects}`));
  if (n > 0) return;
  const lines = (await readHead(file.path)).split('\n').filter((l) => l.trim() !== '').length;
  if (lines > 1) throw new InputError(file.origin, 'no record could be read with this format (is it the right --format, delimiter and quoting?)');
}

/** True when DuckDB refused to read a CSV in parallel (quoted line breaks with null_padding). */
function isSerialCsvError(err: unknown): boolean {
  return /quoted new ?lines/i.test(errorMessage(err));
}

export async function runImport(opts: ImportOptions): Promise<ImportSummary> {
  const forced = opts.format ? formatByName(opts.format) : undefined;
  if (opts.format && !forced) {
    throw new UsageError(`unknown format "${opts.format}"`, { hint: `formats: ${FORMATS.map((f) => f.name).join(', ')}` });
  }
  const started = performance.now();
  const paths = dataPaths(opts.dataDir);
  const importId = newImportId();
  const tmpDir = join(paths.tmp, importId);
  await mkdir(tmpDir, { recursive: true });
  await mkdir(paths.lake, { recursive: true });
  const release = await lockLake(paths);
  const db = await openDb();
  try {
    const { conn } = db;
    await conn.run(`SET temp_directory=${lit(join(tmpDir, 'duckdb'))}`);
    await conn.run(`SET enable_progress_bar=true; SET enable_progress_bar_print=false`);
    const rejectsTable = `rejects_${importId}`;
    await createRejectsTable(conn, rejectsTable);
    const { files, problems } = await expandInputs(opts.inputs, tmpDir, paths.root);
    const outcomes: FileOutcome[] = problems.map((p) => ({ origin: p.origin, format: null, error: p.message, extraRejects: 0 }));
    const staged: StagedOutput[] = [];
    const csvFixes: { table: string; expected: string; outcome: FileOutcome }[] = [];
    const report = (phase: ImportProgress['phase'], label: string, step: number, steps: number) => (percent: number) =>
      opts.onProgress?.({ phase, label, step, steps, percent });

    for (const [i, file] of files.entries()) {
      const outcome: FileOutcome = { origin: file.origin, format: null, extraRejects: 0 };
      outcomes.push(outcome);
      try {
        if ((await stat(file.path)).size === 0) {
          outcome.skipped = 'empty file: nothing to import';
          continue;
        }
        const sample = { path: file.path, name: file.path.split('/').pop() ?? file.path, head: await readHead(file.path) };
        const format = forced ?? detectFormat(sample);
        if (!format) {
          outcome.skipped = file.fromFolder
            ? 'not a format earshot recognises'
            : `not a format earshot recognises; force one with --format NAME (formats: ${FORMATS.map((f) => f.name).join(', ')})`;
          if (!file.fromFolder) outcome.error = outcome.skipped;
          continue;
        }
        outcome.format = format.name;
        const id = `${importId}_${i}`;
        let raw = await rawRelation(format.reader(sample, opts), { path: file.path, head: sample.head, id, tmpDir });
        for (const p of raw.preRejects) {
          await conn.run(
            `INSERT INTO ${rejectsTable} VALUES (${lit(importId)}, ${lit(file.origin)}, NULL, ${lit(raw.locKind)}, ${p.index}, '(record)', ${lit(p.reason)}, NULL, NULL)`,
          );
          outcome.extraRejects++;
        }
        const progress = report('stage', file.origin, i + 1, files.length);
        const outputs = format.outputs(sample, opts);
        const stageAll = async (r: typeof raw): Promise<StagedOutput[]> => {
          for (const stmt of r.setup ?? []) await withProgress(conn, conn.run(stmt), progress);
          const source = await sharedSource(r, outputs, id, (sql) => withProgress(conn, conn.run(sql), progress));
          const out: StagedOutput[] = [];
          for (const [k, o] of outputs.entries()) {
            const stage = `stage_${id}_${k}`;
            await withProgress(conn, conn.run(stageSql(stage, source, o)), progress);
            out.push({ stage, table: o.table, origin: file.origin, source: format.name, ord: i, locKind: r.locKind, ...(source.lineOffset === undefined ? {} : { lineOffset: source.lineOffset }) });
          }
          return out;
        };
        let mine: StagedOutput[];
        try {
          mine = await stageAll(raw);
        } catch (err) {
          // DuckDB reads a CSV in parallel unless it meets a quoted line break (with null_padding); such a
          // file is read again, serially. (Asking first cost every CSV import a whole extra pass.)
          if (!raw.csvRejects || !isSerialCsvError(err)) throw err;
          raw = await rawRelation(format.reader(sample, opts), { path: file.path, head: sample.head, id: `${id}s`, tmpDir, serial: true });
          mine = await stageAll(raw);
        }
        staged.push(...mine);
        if (raw.csvRejects) csvFixes.push({ table: raw.csvRejects.table, expected: raw.csvRejects.expected, outcome });
        if (raw.lineOffset !== undefined || raw.csvRejects) await assertSomethingRead(conn, file, staged.filter((s) => s.ord === i).map((s) => s.stage), raw.csvRejects?.table, raw.preRejects.length);
        opts.onProgress?.({ phase: 'stage', label: file.origin, step: i + 1, steps: files.length, percent: 100 });
      } catch (err) {
        outcome.error = `could not be read: ${readErrorMessage(err, outcome.format, forced !== undefined)}`;
      }
    }

    const tables: { table: TableName; written: number }[] = [];
    const byFileTable = new Map<string, Map<TableName, { read: number; accepted: number; duplicatesInImport: number; duplicatesInLake: number; rejected: number }>>();
    const order = COMMIT_ORDER.filter((t) => staged.some((s) => s.table === t));
    for (const [k, t] of order.entries()) {
      const mine = staged.filter((s) => s.table === t);
      const res = await withProgress(conn, commitTable({ conn, paths, importId, ingestedAt: new Date().toISOString(), rejectsTable, ...(opts.sortAtImport === undefined ? {} : { sortAtImport: opts.sortAtImport }) }, t, mine), report('commit', t, k + 1, order.length));
      tables.push({ table: t, written: res.written });
      for (const [origin, c] of res.byOrigin) {
        if (!byFileTable.has(origin)) byFileTable.set(origin, new Map());
        byFileTable.get(origin)!.set(t, c);
      }
    }

    for (const fix of csvFixes) fix.outcome.extraRejects += await fixCsvLines(conn, fix.table, rejectsTable, importId, fix.outcome.origin, fix.expected);

    const reasons = await all(conn, `SELECT file, field, reason, count(*) AS n FROM ${rejectsTable} GROUP BY ALL ORDER BY n DESC, file, field`);
    const rejectCount = Number(await scalar(conn, `SELECT count(*) FROM ${rejectsTable}`));
    let rejectsFile: string | null = null;
    if (rejectCount > 0) {
      await mkdir(paths.rejects, { recursive: true });
      rejectsFile = join(paths.rejects, `${importId}.ndjson`);
      await conn.run(
        `COPY (SELECT import_id, file, "table", loc_kind, loc, field, reason, got, raw FROM ${rejectsTable} ORDER BY file, loc) TO ${lit(rejectsFile)} (FORMAT json)`,
      );
    }
    const summary = buildSummary({
      importId,
      outcomes,
      byFileTable,
      tables,
      reasons: reasons.map((r) => ({ file: String(r['file']), field: String(r['field']), reason: String(r['reason']), count: Number(r['n']) })),
      rejectsFile,
      seconds: (performance.now() - started) / 1000,
      dataDir: paths.root,
    });
    await appendFile(paths.imports, JSON.stringify({ ...summary, at: new Date().toISOString() }) + '\n');
    return summary;
  } finally {
    db.close();
    await release();
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/**
 * A file's read error in the user's terms: a column the format needs and the file lacks is named as such
 * (DuckDB says `Referenced column "song_id" not found`, with the SQL around it), with what to do when the
 * format was forced.
 */
export function readErrorMessage(err: unknown, format: string | null, forced: boolean): string {
  const msg = errorMessage(err);
  const col = /Referenced column "([^"]+)" not found/.exec(msg)?.[1];
  if (col === undefined || col.startsWith('__') || format === null) return msg;
  const what = forced ? ' (forced with --format: leave --format out to detect the format, or pick the one the file is in; `earshot formats` lists them)' : '';
  return `it has no column "${col}", which ${format} needs${what}`;
}
