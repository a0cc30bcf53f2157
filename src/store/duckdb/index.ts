// The DuckDB store. DATA/store.duckdb holds what readers need to find a report: report_generations
// (one row per run), report_tables (what each run wrote for each report, or why it failed) and
// report_current (report -> its latest good generation); the rows of each report of each generation
// are an immutable Parquet file, DATA/store/g000012/<report>.parquet.
//
// Why Parquet files rather than tables inside store.duckdb: writing a 10M-row report into a DuckDB
// table cost about 14 CPU-seconds here, against about 4 for Parquet, and a report's --out file in
// Parquet is then a plain copy. It also means the store file is attached only for a moment, when a run
// begins and when it publishes, so other processes can read (DuckDB lets one process hold the file).
//
// Publishing is one transaction: the run's rows in report_tables, the generation marked published, the
// pointers flipped, older generations beyond `keep` unlisted; their files are deleted after the commit.
// A run that dies before publishing is invisible; the next run deletes what it wrote.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { plain } from '../../lake/query.js';
import { ident, inTransaction, lit, openDb, type Db } from '../../util/db.js';
import { EarshotError } from '../../util/errors.js';
import { attachStoreFile } from '../attach.js';
import type { GenerationInfo, GenerationWriter, PutResult, ReportQuery, ReportStore, StoredReportInfo, StoreOptions } from '../types.js';

/** The store file is held by another process (DuckDB allows one process per file at a time). */
export class StoreBusyError extends EarshotError {}

const SCHEMA = [
  `CREATE SEQUENCE IF NOT EXISTS generation_seq START 1`,
  `CREATE TABLE IF NOT EXISTS report_generations (generation BIGINT, started_at TIMESTAMPTZ, published_at TIMESTAMPTZ, status VARCHAR, owner VARCHAR, run VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS report_tables (generation BIGINT, report VARCHAR, file VARCHAR, rows BIGINT, columns VARCHAR, params VARCHAR, error VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS report_current (report VARCHAR, generation BIGINT, file VARCHAR)`,
];

const json = (v: unknown): string => JSON.stringify(v ?? null);
const parse = <T>(s: unknown, fallback: T): T => (typeof s === 'string' ? (JSON.parse(s) as T) : fallback);
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(String(v).replace(' ', 'T').replace(/\+00$/, 'Z')).toISOString());
const genDir = (g: number): string => `g${String(g).padStart(6, '0')}`;

/** Whether a 'building' generation's run is gone: its process is dead (same host) or it is a day old. */
function abandoned(owner: string, startedAt: string | null): boolean {
  const [host, pid] = owner.split(':');
  if (host === hostname() && pid) {
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch {
      return true;
    }
  }
  return startedAt === null || Date.now() - Date.parse(startedAt) > 86_400_000;
}

export async function openDuckDbStore(path: string, opts: StoreOptions = {}): Promise<ReportStore> {
  const keep = Math.max(1, opts.keep ?? 3);
  const readOnly = opts.readOnly ?? false;
  const filesDir = join(dirname(path), 'store');
  const owner = opts.owner ?? `${hostname()}:${process.pid}`;
  let own: Db | null = null;
  const conn: DuckDBConnection = opts.conn ?? (own = await openDb()).conn;

  const rows = async (sql: string): Promise<Record<string, unknown>[]> => {
    const r = await conn.runAndReadAll(sql);
    const cols = r.columnNames();
    return r.getRows().map((row) => Object.fromEntries(cols.map((c, i) => [c, plain(row[i])])));
  };

  /** Attaches store.duckdb for the length of `work` (in one transaction when asked), then detaches it. */
  async function withStore<T>(mode: 'read' | 'write', transaction: boolean, work: (q: (name: string) => string) => Promise<T>): Promise<T> {
    if (mode === 'write') await mkdir(dirname(path), { recursive: true });
    const busy = (cause: unknown): Error =>
      new StoreBusyError(`the report store ${path} is in use by another process`, { retriable: true, cause, hint: 'try again when the other earshot command has finished' });
    const alias = await attachStoreFile(conn, path, 'earshot_store', mode, busy, { attempts: 8, baseMs: 100 });
    const q = (name: string): string => `${alias}.main.${ident(name)}`;
    try {
      if (mode === 'write') for (const s of SCHEMA) await conn.run(s.replace(/(EXISTS )(\w+)/, (_m, a: string, n: string) => `${a}${q(n)}`));
      return transaction ? await inTransaction(conn, () => work(q)) : await work(q);
    } finally {
      await conn.run(`DETACH ${alias}`).catch(() => undefined);
    }
  }

  const genInfo = (r: Record<string, unknown>): GenerationInfo => ({
    generation: Number(r['generation']),
    startedAt: iso(r['started_at']) ?? '',
    publishedAt: iso(r['published_at']),
    status: r['status'] === 'published' ? 'published' : 'building',
    run: parse(r['run'], {}),
  });

  const info = (r: Record<string, unknown>): StoredReportInfo => ({
    report: String(r['report']),
    generation: Number(r['generation']),
    publishedAt: iso(r['published_at']) ?? '',
    rows: Number(r['rows']),
    columns: parse(r['columns'], []),
    params: parse(r['params'], {}),
  });

  const store: ReportStore = {
    location: `duckdb:${path}`,

    async begin(run) {
      if (readOnly) throw new EarshotError('the report store was opened read-only');
      const { generation, stale } = await withStore('write', true, async (q) => {
        const building = await rows(`SELECT generation, owner, started_at FROM ${q('report_generations')} WHERE status = 'building'`);
        const gone = building.filter((b) => abandoned(String(b['owner'] ?? ''), iso(b['started_at']))).map((b) => Number(b['generation']));
        if (gone.length) await conn.run(`DELETE FROM ${q('report_generations')} WHERE generation IN (${gone.join(', ')})`);
        const g = Number((await rows(`SELECT nextval('${q('generation_seq').replace(/"/g, '')}') AS g`))[0]?.['g']);
        await conn.run(`INSERT INTO ${q('report_generations')} VALUES (${g}, now(), NULL, 'building', ${lit(owner)}, ${lit(json(run))})`);
        return { generation: g, stale: gone };
      });
      for (const g of stale) await rm(join(filesDir, genDir(g)), { recursive: true, force: true });
      const dir = join(filesDir, genDir(generation));
      await mkdir(dir, { recursive: true });
      const done = new Map<string, { file: string | null; rows: number | null; columns: string[] | null; params: Record<string, unknown> | null; error: string | null }>();

      const writer: GenerationWriter = {
        generation,
        async put(report: string, query: ReportQuery, params: Record<string, unknown>): Promise<PutResult> {
          const file = join(dir, `${report}.parquet`);
          const stmt = await conn.prepare(`COPY (${query.sql}) TO ${lit(file)} (FORMAT parquet)`);
          query.bind(stmt);
          const n = Number((await stmt.run()).rowsChanged);
          const relation = `read_parquet(${lit(file)})`;
          const columns = (await rows(`DESCRIBE SELECT * FROM ${relation}`)).map((r) => String(r['column_name']));
          done.set(report, { file, rows: n, columns, params, error: null });
          return { relation, rows: n, columns, parquetFile: file };
        },
        async fail(report: string, message: string): Promise<void> {
          await rm(join(dir, `${report}.parquet`), { force: true });
          done.set(report, { file: null, rows: null, columns: null, params: null, error: message });
        },
        async publish(): Promise<GenerationInfo> {
          const { info: published, drop } = await withStore('write', true, async (q) => {
            for (const [report, d] of done) {
              const file = d.file === null ? 'NULL' : lit(d.file);
              await conn.run(`INSERT INTO ${q('report_tables')} VALUES (${generation}, ${lit(report)}, ${file}, ${d.rows ?? 'NULL'}, ${d.columns ? lit(json(d.columns)) : 'NULL'}, ${d.params ? lit(json(d.params)) : 'NULL'}, ${d.error === null ? 'NULL' : lit(d.error)})`);
            }
            await conn.run(`UPDATE ${q('report_generations')} SET status = 'published', published_at = now() WHERE generation = ${generation}`);
            const mine = `SELECT report, generation, file FROM ${q('report_tables')} WHERE generation = ${generation} AND error IS NULL`;
            await conn.run(`DELETE FROM ${q('report_current')} WHERE report IN (SELECT report FROM (${mine}))`);
            await conn.run(`INSERT INTO ${q('report_current')} ${mine}`);
            // Keep each report's last `keep` published generations (a failure counts as one). The current
            // result is never dropped, even when later runs of the report failed.
            const old = await rows(`SELECT * FROM (
                SELECT t.generation, t.report, t.file, row_number() OVER (PARTITION BY t.report ORDER BY t.generation DESC) AS age
                FROM ${q('report_tables')} t JOIN ${q('report_generations')} g USING (generation) WHERE g.status = 'published') x
              WHERE x.age > ${keep} AND NOT EXISTS (SELECT 1 FROM ${q('report_current')} c WHERE c.report = x.report AND c.generation = x.generation)`);
            for (const o of old) await conn.run(`DELETE FROM ${q('report_tables')} WHERE generation = ${Number(o['generation'])} AND report = ${lit(String(o['report']))}`);
            const emptied = await rows(`SELECT generation FROM ${q('report_generations')} g WHERE g.status = 'published' AND g.generation <> ${generation}
              AND NOT EXISTS (SELECT 1 FROM ${q('report_tables')} t WHERE t.generation = g.generation)`);
            if (emptied.length) await conn.run(`DELETE FROM ${q('report_generations')} WHERE generation IN (${emptied.map((e) => Number(e['generation'])).join(', ')})`);
            const g = (await rows(`SELECT * FROM ${q('report_generations')} WHERE generation = ${generation}`))[0];
            return { info: genInfo(g ?? {}), drop: { files: old.map((o) => o['file']).filter((f): f is string => typeof f === 'string'), dirs: emptied.map((e) => Number(e['generation'])) } };
          });
          // Unlisted above, in the same transaction as the flip: no reader can reach these any more.
          for (const f of drop.files) await rm(f, { force: true });
          for (const g of drop.dirs) await rm(join(filesDir, genDir(g)), { recursive: true, force: true });
          return published;
        },
        async abort(): Promise<void> {
          await rm(dir, { recursive: true, force: true });
          await withStore('write', false, (q) => conn.run(`DELETE FROM ${q('report_generations')} WHERE generation = ${generation}`));
        },
      };
      return writer;
    },

    async read(report, o = {}) {
      if (!existsSync(path)) return null;
      const meta = await withStore('read', true, async (q) => {
        const from =
          o.generation !== undefined
            ? `${q('report_tables')} t JOIN ${q('report_generations')} g USING (generation)
               WHERE t.report = ${lit(report)} AND t.generation = ${Math.trunc(o.generation)} AND t.error IS NULL AND g.status = 'published'`
            : `${q('report_current')} c JOIN ${q('report_tables')} t USING (generation, report) JOIN ${q('report_generations')} g USING (generation)
               WHERE c.report = ${lit(report)}`;
        return (await rows(`SELECT t.*, g.published_at FROM ${from}`))[0];
      });
      if (!meta) return null;
      const limit = o.limit !== undefined ? ` LIMIT ${Math.max(0, Math.trunc(o.limit))}` : '';
      const data = await rows(`SELECT * FROM read_parquet(${lit(String(meta['file']))})${limit}`);
      return { ...info(meta), data };
    },

    async list() {
      if (!existsSync(path)) return [];
      return withStore('read', false, async (q) =>
        (await rows(`SELECT t.*, g.published_at FROM ${q('report_current')} c JOIN ${q('report_tables')} t USING (generation, report)
          JOIN ${q('report_generations')} g USING (generation) ORDER BY t.report`)).map(info),
      );
    },

    async generations() {
      if (!existsSync(path)) return [];
      return withStore('read', false, async (q) => (await rows(`SELECT * FROM ${q('report_generations')} ORDER BY generation`)).map(genInfo));
    },

    async close() {
      own?.close();
    },
  };
  return store;
}
