// `earshot report run`: runs the chosen reports over the lake in one DuckDB session, each into a new
// generation of the report store, optionally one file each under --out, then publishes the generation.
// A report that fails (bad parameter, missing table, SQL error, wrong columns) is recorded with what
// went wrong and the run goes on with the others.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBTypeId, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { dataPaths } from '../lake/paths.js';
import { attachLake } from '../lake/views.js';
import { TABLES } from '../model/schema.js';
import { openStore, type GenerationWriter, type ReportStore } from '../store/index.js';
import { lit, openDb } from '../util/db.js';
import { UsageError, errorMessage } from '../util/errors.js';
import { ReportError } from './errors.js';
import { writeReportFile, type FileFormat } from './files.js';
import type { ReportSpec } from './manifest.js';
import { STANDARD_PARAMS, bindParam, checkParam, type ParamValue } from './params.js';
import { loadRegistry, selectReports } from './registry.js';
import { createScope, resolveRange, type RunRange } from './scope.js';

export interface RunOptions {
  readonly dataDir: string;
  readonly names?: readonly string[];
  readonly group?: string;
  readonly out?: string;
  readonly format?: FileFormat;
  readonly from?: string;
  readonly to?: string;
  readonly tz?: string;
  /** --param values as given (text); each report takes those it declares. */
  readonly params?: Readonly<Record<string, string>>;
  /** Generations to keep per report in the store (default 3). */
  readonly keep?: number;
  /** Called as each report finishes. */
  readonly onReport?: (o: ReportOutcome) => void;
}

export interface ReportOutcome {
  readonly report: string;
  readonly group: string;
  readonly ok: boolean;
  readonly rows: number;
  readonly columns: readonly string[];
  /** The --out file, when one was written. */
  readonly file: string | null;
  readonly seconds: number;
  /** Effective parameters, as shown to people. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The manifest's when_empty message, filled in, when the report has no rows. */
  readonly note: string | null;
  readonly error: ReportError | null;
}

export interface RunSummary {
  readonly generation: number;
  readonly store: string;
  readonly range: RunRange;
  readonly outcomes: readonly ReportOutcome[];
  readonly failed: number;
  readonly seconds: number;
}

const TABLE_HINT = `lake tables: ${TABLES.map((t) => t.name).join(', ')}, rejects, imports; reports also see range_listens and report_range`;

/** A DuckDB failure as a report error: a missing table is told apart from other SQL errors. */
function sqlError(report: string, err: unknown): ReportError {
  if (err instanceof ReportError) return err;
  const msg = errorMessage(err);
  const missing = /Table with name ([^\s!]+) does not exist/.exec(msg);
  if (missing) return new ReportError(report, 'missing-table', `table ${missing[1]} does not exist (${TABLE_HINT})`, undefined, { cause: err });
  const lines = msg.split('\n').filter((l) => l.trim() && !/^Did you mean/.test(l));
  return new ReportError(report, 'sql', `SQL error: ${lines.slice(0, 3).join(' | ')}`, undefined, { cause: err });
}

/** The report's parameter values: --param where given, else the manifest default; the standard ones from the range. */
function reportParams(spec: ReportSpec, given: Readonly<Record<string, string>>, range: RunRange): Map<string, ParamValue> {
  const out = new Map<string, ParamValue>();
  const std: Record<string, string | null> = { from: range.from, to: range.to, tz: range.tz };
  for (const p of STANDARD_PARAMS) {
    const v = checkParam(p, std[p.name] ?? null);
    if ('error' in v) throw new ReportError(spec.name, 'parameter', v.error, p.name);
    out.set(p.name, v);
  }
  for (const p of spec.parameters) {
    const v = checkParam(p, given[p.name] ?? p.default);
    if ('error' in v) throw new ReportError(spec.name, 'parameter', v.error, p.name);
    out.set(p.name, v);
  }
  return out;
}

const shownParams = (values: Map<string, ParamValue>): Record<string, unknown> => Object.fromEntries([...values].map(([k, v]) => [k, v.shown]));

/** Binds every $name the statement uses; a name the manifest does not declare is the report's error. */
function binder(spec: ReportSpec, values: Map<string, ParamValue>) {
  return (stmt: DuckDBPreparedStatement): void => {
    for (let i = 1; i <= stmt.parameterCount; i++) {
      const name = stmt.parameterName(i);
      const v = values.get(name);
      if (!v) {
        throw new ReportError(spec.name, 'parameter', `the SQL uses $${name}, which the manifest does not declare (declared: ${[...values.keys()].join(', ')})`, name);
      }
      bindParam(stmt, i, v);
    }
  };
}

/**
 * Column types whose values DuckDB writes to Parquet and reads back as the same type, so that a CSV or
 * JSON file written from the stored Parquet says exactly what the query said. HUGEINT, which sum() of
 * integers returns, comes back as DOUBLE (123 would be written 123.0); nested types are left out too.
 */
const SAME_AFTER_PARQUET = new Set<DuckDBTypeId>([
  DuckDBTypeId.BOOLEAN, DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT,
  DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL, DuckDBTypeId.VARCHAR,
  DuckDBTypeId.DATE, DuckDBTypeId.TIMESTAMP, DuckDBTypeId.TIMESTAMP_TZ,
]);

/**
 * True when every column of the query's result has a type in SAME_AFTER_PARQUET. A statement whose
 * types DuckDB leaves open until it runs (some with parameters) counts as false.
 */
async function readsBackAsItself(conn: DuckDBConnection, sql: string, bind: (stmt: DuckDBPreparedStatement) => void): Promise<boolean> {
  const stmt = await conn.prepare(sql);
  bind(stmt);
  for (let i = 0; i < stmt.columnCount; i++) {
    if (!SAME_AFTER_PARQUET.has(stmt.columnTypeId(i))) return false;
  }
  return true;
}

// Report SQL as last read, by path, with the file's mtime and size: the server reads a report per
// request, and an async read waits in libuv's pool behind DuckDB's own work (several ms under load).
const sqlCache = new Map<string, { readonly stamp: string; readonly sql: string }>();

/** The SQL text of a report: one SELECT (or WITH ... SELECT), without a trailing semicolon. */
async function reportSql(spec: ReportSpec): Promise<string> {
  if (spec.problem) throw new ReportError(spec.name, 'manifest', spec.problem);
  const st = statSync(spec.sqlPath, { throwIfNoEntry: false });
  const stamp = st ? `${st.mtimeMs}|${st.size}` : '';
  const cached = sqlCache.get(spec.sqlPath);
  if (st && cached?.stamp === stamp) return cached.sql;
  const sql = await readReportSql(spec);
  if (st) sqlCache.set(spec.sqlPath, { stamp, sql });
  return sql;
}

/**
 * Loads once what reading any report needs (the zone list behind --tz, each report's SQL), so that a
 * server's first recap or report read does not pay for it. Reports that cannot load are left for the
 * read itself to report.
 */
export async function warmReportReads(conn: DuckDBConnection, specs: readonly ReportSpec[]): Promise<void> {
  await resolveRange(conn, {});
  await Promise.all(specs.map((s) => reportSql(s).catch(() => undefined)));
}

async function readReportSql(spec: ReportSpec): Promise<string> {
  const text = await readFile(spec.sqlPath, 'utf8').catch((err: unknown) => {
    throw new ReportError(spec.name, 'manifest', `cannot read ${spec.sqlPath}: ${errorMessage(err)}`, undefined, { cause: err });
  });
  // The statement is wrapped (COPY (...) TO, CREATE TABLE ... AS): drop a final semicolon and comment
  // lines after it, and end with a newline so a trailing comment cannot swallow the closing bracket.
  let sql = text.trim();
  for (let prev = ''; prev !== sql; ) {
    prev = sql;
    sql = sql.replace(/;\s*(--[^\n]*)?$/, '').replace(/\n[ \t]*--[^\n]*$/, '').trim();
  }
  if (!sql || /^(--[^\n]*\n?\s*)*$/.test(sql)) throw new ReportError(spec.name, 'manifest', `${spec.sqlPath} holds no query`);
  return `\n${sql}\n`;
}

function fillNote(template: string | undefined, params: Record<string, unknown>): string | null {
  if (!template) return null;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

async function runOne(conn: DuckDBConnection, spec: ReportSpec, ctx: { given: Readonly<Record<string, string>>; range: RunRange; writer: GenerationWriter; out?: string; format: FileFormat }): Promise<ReportOutcome> {
  const t0 = performance.now();
  let params: Record<string, unknown> = {};
  let file: string | null = null;
  try {
    const values = reportParams(spec, ctx.given, ctx.range);
    params = shownParams(values);
    const sql = await reportSql(spec);
    // The result goes straight from the query into the store's Parquet, and a --out file is written from
    // that. Only a text file (CSV, JSON) of a result with a type Parquet does not give back as itself is
    // computed once into memory instead and both are written from there (see readsBackAsItself).
    const bind = binder(spec, values);
    const inMemory = ctx.out !== undefined && ctx.format !== 'parquet' && !(await readsBackAsItself(conn, sql, bind));
    const scratch = `report_result_${spec.name}`;
    let put;
    try {
      if (inMemory) {
        const stmt = await conn.prepare(`CREATE OR REPLACE TEMP TABLE ${scratch} AS ${sql}`);
        bind(stmt);
        await stmt.run();
        put = await ctx.writer.put(spec.name, { sql: `SELECT * FROM ${scratch}`, bind: () => undefined }, params);
      } else {
        put = await ctx.writer.put(spec.name, { sql, bind }, params);
      }
    } catch (err) {
      await conn.run(`DROP TABLE IF EXISTS ${scratch}`);
      throw sqlError(spec.name, err);
    }
    try {
      const declared = spec.columns.map((c) => c.name);
      if (declared.length && declared.join(',') !== put.columns.join(',')) {
        throw new ReportError(spec.name, 'columns', `the query returns columns (${put.columns.join(', ')}) but the manifest declares (${declared.join(', ')})`);
      }
      if (ctx.out) {
        try {
          file = await writeReportFile(conn, inMemory ? { relation: scratch } : put, ctx.out, spec.name, ctx.format);
        } catch (err) {
          throw new ReportError(spec.name, 'output', `cannot write its file under ${ctx.out}: ${errorMessage(err)}`, undefined, { cause: err });
        }
      }
    } finally {
      if (inMemory) await conn.run(`DROP TABLE IF EXISTS ${scratch}`);
    }
    const note = put.rows === 0 ? fillNote(spec.whenEmpty, params) ?? 'no rows' : null;
    return { report: spec.name, group: spec.group, ok: true, rows: put.rows, columns: put.columns, file, seconds: (performance.now() - t0) / 1000, params, note, error: null };
  } catch (err) {
    const e = err instanceof ReportError ? err : sqlError(spec.name, err);
    await ctx.writer.fail(spec.name, e.message);
    return { report: spec.name, group: spec.group, ok: false, rows: 0, columns: [], file: null, seconds: (performance.now() - t0) / 1000, params, note: null, error: e };
  }
}

/** Runs reports over the lake of `dataDir` and publishes them as one new generation of its store. */
export async function runReports(opts: RunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const registry = loadRegistry(opts.dataDir);
  const selected = selectReports(registry, opts.names ?? [], opts.group);
  const given = opts.params ?? {};
  for (const k of Object.keys(given)) {
    if (STANDARD_PARAMS.some((p) => p.name === k)) throw new UsageError(`--param ${k}: give it as --${k}`);
    if (!selected.some((r) => r.parameters.some((p) => p.name === k))) {
      const owners = registry.reports.filter((r) => r.parameters.some((p) => p.name === k)).map((r) => r.name);
      throw new UsageError(`--param ${k}: none of the selected reports has a parameter ${k}`, owners.length ? { hint: `${k} belongs to: ${owners.join(', ')}` } : {});
    }
  }
  const paths = dataPaths(opts.dataDir);
  const work = join(paths.tmp, `reports-${randomBytes(3).toString('hex')}`);
  const db = await openDb();
  let store: ReportStore | null = null;
  try {
    const { conn } = db;
    await conn.run(`SET temp_directory=${lit(work)}`);
    await attachLake(conn, paths);
    const range = await resolveRange(conn, opts);
    await createScope(conn, range);
    store = await openStore(opts.dataDir, { conn, keep: opts.keep ?? 3 });
    const writer = await store.begin({ reports: selected.map((r) => r.name), from: range.from, to: range.to, tz: range.tz, params: given });
    const outcomes: ReportOutcome[] = [];
    try {
      for (const spec of selected) {
        const o = await runOne(conn, spec, { given, range, writer, ...(opts.out ? { out: opts.out } : {}), format: opts.format ?? 'csv' });
        outcomes.push(o);
        opts.onReport?.(o);
      }
    } catch (err) {
      await writer.abort().catch(() => undefined);
      throw err;
    }
    const gen = await writer.publish();
    return { generation: gen.generation, store: store.location, range, outcomes, failed: outcomes.filter((o) => !o.ok).length, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await store?.close();
    db.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A report's rows computed on `conn` without publishing them (the server's reads of a recap for any
 * range). The connection must have the lake's views; the range views are (re)created on it.
 */
export async function reportRows(conn: DuckDBConnection, spec: ReportSpec, given: Readonly<Record<string, string>>, range: RunRange): Promise<Record<string, unknown>[]> {
  const values = reportParams(spec, given, range);
  const sql = await reportSql(spec);
  await createScope(conn, range);
  const stmt = await conn.prepare(sql);
  binder(spec, values)(stmt);
  try {
    const reader = await stmt.runAndReadAll();
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } catch (err) {
    throw sqlError(spec.name, err);
  }
}
