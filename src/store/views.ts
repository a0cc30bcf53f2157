// Where the live views are stored: DATA/views.duckdb, beside the report store (DATA/store.duckdb).
// A separate file because the engine writes at every flush (about once a second) and DuckDB lets one
// process hold a file at a time: sharing store.duckdb would make report runs queue behind the stream.
// Like the report store, the file is attached only for the length of one write (a transaction), so
// `earshot views dump` and other readers get in between.
//
// Rows are numeric and keyed (src/views/tables.ts); names live once in dictionary tables
// (stream_users, stream_tracks, stream_labels). Each view is also a SQL view over them with readable
// columns (trending_tracks, action_counts, active_users, user_profiles, sessions, late_listens,
// counters), so `SELECT * FROM trending_tracks` works on the file directly.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { dataPaths } from '../lake/paths.js';
import { plain } from '../lake/query.js';
import { appendNumeric, appendRows } from '../util/append.js';
import { ident, inTransaction, lit, openDb, type Db } from '../util/db.js';
import { EarshotError } from '../util/errors.js';
import { VIEW_NAMES, VIEW_TABLES, type ViewName, type ViewTable } from '../views/tables.js';
import { schemaSql, VIEW_ORDER } from './views-schema.js';
import { attachStoreFile } from './attach.js';

export { VIEW_ORDER } from './views-schema.js';

export const VIEWS_FILE = 'views.duckdb';

export function viewsPath(dataDir: string): string {
  return join(dataDir, VIEWS_FILE);
}

/** The views file is held by another process for the moment. */
export class ViewStoreBusyError extends EarshotError {}

const TABLES: readonly ViewTable[] = Object.values(VIEW_TABLES);

export interface ViewWriteMeta {
  readonly counters: Readonly<Record<string, number>>;
  readonly meta: Readonly<Record<string, string>>;
}

/** What a write reads of a flush: per view table, its rows and the keys to delete (a ChangeSet). */
export interface ViewChanges {
  readonly rows: ReadonlyMap<string, { readonly n: number; readonly cols: readonly Float64Array[] }>;
  readonly deletes: ReadonlyMap<string, { readonly n: number; readonly cols: readonly Float64Array[] }>;
}

/** What a write reads of the dictionaries (the engine's Dicts): the names behind the ids. */
export interface ViewDicts {
  readonly users: { readonly values: readonly string[]; readonly size: number };
  readonly tracks: { readonly values: readonly string[]; readonly size: number };
  readonly artists: { readonly values: readonly string[]; readonly size: number };
  readonly genres: { readonly values: readonly string[]; readonly size: number };
  readonly moods: { readonly values: readonly string[]; readonly size: number };
  readonly trackName: readonly (string | null)[];
  readonly trackArtist: readonly (string | null)[];
}

export interface ViewStore {
  readonly path: string;
  /** Writes a flush's rows (and new dictionary entries) in one transaction. */
  write(changes: ViewChanges, dicts: ViewDicts, m: ViewWriteMeta): Promise<void>;
  /** Lets go of the file (readers can attach until the next write). */
  release(): Promise<void>;
  /** Drops every stored view (for a fresh start). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

async function attach(conn: DuckDBConnection, path: string, mode: 'read' | 'write'): Promise<string> {
  const busy = (cause: unknown): Error =>
    new ViewStoreBusyError(`the views file ${path} is in use by another process`, { retriable: true, cause, hint: 'try again in a moment' });
  return attachStoreFile(conn, path, 'earshot_views', mode, busy, { attempts: 20, baseMs: 50, maxMs: 1000 });
}

export interface ViewStoreOptions {
  /**
   * Keep the file attached between writes for up to this long (ms): attaching and detaching (which
   * checkpoints the file) costs more than a small write, so a busy engine holds it for a while and
   * readers retry meanwhile. 0 lets go after every write.
   */
  readonly holdMs?: number;
}

export async function openViewStore(dataDir: string, opts: ViewStoreOptions = {}): Promise<ViewStore> {
  const holdMs = opts.holdMs ?? 0;
  let held: { alias: string; since: number } | null = null;
  const path = viewsPath(dataDir);
  // One thread and a small memory limit: the store runs beside the engine (src/store/views-thread.ts) on
  // a machine it shares, and what it writes is a flush at a time. Past the limit DuckDB spills to
  // DATA/tmp rather than keep the views file's blocks cached (that cache grew to a gigabyte in a replay).
  const db: Db = await openDb({ threads: 1, memoryLimit: '256MB' });
  const { conn } = db;
  const { tmp } = dataPaths(dataDir);
  await mkdir(tmp, { recursive: true }); // DuckDB makes only the last folder of the path
  await conn.run(`SET temp_directory = ${lit(join(tmp, 'views-spill'))}`);
  for (const t of TABLES) {
    await conn.run(`CREATE TEMP TABLE ${ident(`stage_${t.table}`)} (${t.columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`);
    await conn.run(`CREATE TEMP TABLE ${ident(`del_${t.table}`)} (${t.key.map((k) => `${ident(k)} DOUBLE`).join(', ')})`);
  }
  await conn.run(`CREATE TEMP TABLE stage_users (id INTEGER, user_id VARCHAR)`);
  await conn.run(`CREATE TEMP TABLE stage_tracks (id INTEGER, track_key VARCHAR, track_name VARCHAR, artist_name VARCHAR)`);
  await conn.run(`CREATE TEMP TABLE stage_labels (kind VARCHAR, id INTEGER, label VARCHAR)`);
  let synced: { users: number; tracks: number; artists: number; genres: number; moods: number } | null = null;
  /** Stage tables holding rows of the last write (emptied before the next). */
  const staged = new Set<string>();
  /**
   * Per window table, the latest window stored. Windows come mostly in order: rows of a later window
   * cannot replace anything, so their write skips the delete (a join over the whole table).
   */
  let latest: Map<string, number> | null = null;
  const windowed = TABLES.filter((t) => t.key.length === 1 && t.columns[0]!.name === t.key[0] && t.key[0] !== 'user');
  let schemaReady = false;

  async function release(): Promise<void> {
    if (!held) return;
    const { alias } = held;
    held = null;
    await conn.run(`DETACH ${alias}`).catch(() => undefined);
  }

  async function withFile<T>(work: (q: (n: string) => string) => Promise<T>): Promise<T> {
    await mkdir(dataDir, { recursive: true });
    if (!held) held = { alias: await attach(conn, path, 'write'), since: performance.now() };
    const alias = held.alias;
    const q = (n: string) => `${alias}.main.${ident(n)}`;
    let failed = false;
    try {
      if (!schemaReady) {
        await conn.run(`USE ${alias}`);
        try {
          for (const s of schemaSql()) await conn.run(s);
        } finally {
          await conn.run(`USE memory`);
        }
        schemaReady = true;
      }
      try {
        return await inTransaction(conn, () => work(q));
      } catch (err) {
        failed = true;
        throw err;
      }
    } finally {
      if (failed || !held || performance.now() - held.since >= holdMs) await release();
    }
  }

  return {
    path,
    async write(changes, dicts, m) {
      if (latest === null) {
        const found = new Map<string, number>();
        await withFile(async (q) => {
          for (const t of windowed) found.set(t.table, Number((await conn.runAndReadAll(`SELECT coalesce(max(${ident(t.key[0]!)}), -1e300) FROM ${q(t.table)}`)).getRows()[0]![0]));
        });
        latest = found;
      }
      const seen = latest;
      // Stage in memory first (the file is held only for the transaction below); only what changed.
      for (const name of staged) await conn.run(`TRUNCATE ${ident(name)}`);
      staged.clear();
      const sql: string[] = [];
      const first = synced === null;
      if (first) {
        // Ids may have been given differently by a run that crashed after its last checkpoint: replace them all.
        sql.push(`DELETE FROM $$stream_users`, `DELETE FROM $$stream_tracks`, `DELETE FROM $$stream_labels`);
      }
      const from = synced ?? { users: 0, tracks: 0, artists: 0, genres: 0, moods: 0 };
      const dictRows = async (table: string, types: Parameters<typeof appendRows>[4], rows: (string | number | null)[][]) => {
        if (rows.length === 0) return;
        await appendRows(conn, table, 'main', 'temp', types, rows);
        staged.add(table);
        sql.push(`INSERT INTO $$${table.replace('stage_', 'stream_')} SELECT * FROM ${table}`);
      };
      await dictRows('stage_users', ['INTEGER', 'VARCHAR'], dicts.users.values.slice(from.users).map((v, i) => [from.users + i, v]));
      await dictRows(
        'stage_tracks', ['INTEGER', 'VARCHAR', 'VARCHAR', 'VARCHAR'],
        dicts.tracks.values.slice(from.tracks).map((v, i) => [from.tracks + i, v, dicts.trackName[from.tracks + i] ?? null, dicts.trackArtist[from.tracks + i] ?? null]),
      );
      const labels: (string | number)[][] = [];
      for (const [kind, d, k] of [['artist', dicts.artists, 'artists'], ['genre', dicts.genres, 'genres'], ['mood', dicts.moods, 'moods']] as const) {
        d.values.slice(from[k]).forEach((v, i) => labels.push([kind, from[k] + i, v]));
      }
      await dictRows('stage_labels', ['VARCHAR', 'INTEGER', 'VARCHAR'], labels);
      for (const t of TABLES) {
        const on = (x: string) => t.key.map((k) => `${ident(t.table)}.${ident(k)} = ${x}.${ident(k)}`).join(' AND ');
        const dels = changes.deletes.get(t.table);
        if (dels && dels.n > 0) {
          const del = `del_${t.table}`;
          await appendNumeric(conn, del, 'main', 'temp', t.key.map((_, j) => ({ type: 'DOUBLE' as const, data: dels.cols[j]! })), dels.n);
          staged.add(del);
          sql.push(`DELETE FROM $$${t.table} USING ${ident(del)} d WHERE ${on('d')}`);
        }
        const rows = changes.rows.get(t.table);
        if (rows && rows.n > 0) {
          const stage = `stage_${t.table}`;
          await appendNumeric(conn, stage, 'main', 'temp', t.columns.map((c, j) => ({ type: c.type, data: rows.cols[j]! })), rows.n);
          staged.add(stage);
          let replaces = true;
          if (seen.has(t.table)) {
            const keys = rows.cols[0]!;
            let lo = Infinity;
            let hi = -Infinity;
            for (let r = 0; r < rows.n; r++) {
              if (keys[r]! < lo) lo = keys[r]!;
              if (keys[r]! > hi) hi = keys[r]!;
            }
            replaces = lo <= seen.get(t.table)!;
            seen.set(t.table, Math.max(hi, seen.get(t.table)!));
          }
          if (replaces) sql.push(`DELETE FROM $$${t.table} USING (SELECT DISTINCT ${t.key.map(ident).join(', ')} FROM ${ident(stage)}) s WHERE ${on('s')}`);
          sql.push(`INSERT INTO $$${t.table} SELECT * FROM ${ident(stage)}`);
        }
      }
      sql.push(`DELETE FROM $$counters`);
      const counters = Object.entries(m.counters).map(([k, v]) => `(${lit(k)}, ${Number.isFinite(v) ? v : 'NULL'})`);
      if (counters.length) sql.push(`INSERT INTO $$counters VALUES ${counters.join(', ')}`);
      sql.push(`DELETE FROM $$stream_meta`);
      const meta = Object.entries(m.meta).map(([k, v]) => `(${lit(k)}, ${lit(v)})`);
      if (meta.length) sql.push(`INSERT INTO $$stream_meta VALUES ${meta.join(', ')}`);
      // One round trip for the whole transaction's statements.
      try {
        await withFile((q) => conn.run(sql.map((x) => x.replace(/\$\$(\w+)/g, (_m, n: string) => q(n))).join(';\n')).then(() => undefined));
      } catch (err) {
        latest = null; // rolled back: read the latest windows again
        throw err;
      }
      synced = { users: dicts.users.size, tracks: dicts.tracks.size, artists: dicts.artists.size, genres: dicts.genres.size, moods: dicts.moods.size };
    },
    release,
    async clear() {
      if (!existsSync(path)) return;
      await withFile(async (q) => {
        for (const v of VIEW_NAMES) if (v !== 'counters') await conn.run(`DELETE FROM ${q(VIEW_TABLES[v].table)}`);
        for (const t of ['counters', 'stream_users', 'stream_tracks', 'stream_labels', 'stream_meta']) await conn.run(`DELETE FROM ${q(t)}`);
      });
      synced = null;
      latest = null;
    },
    async close() {
      await release();
      db.close();
    },
  };
}

export interface ViewRows {
  readonly view: ViewName;
  readonly columns: string[];
  readonly rows: Record<string, unknown>[];
}

/** Runs `work` with the views file attached read-only (null when there is no file yet). */
export async function withViews<T>(dataDir: string, work: (conn: DuckDBConnection, q: (name: string) => string) => Promise<T>): Promise<T | null> {
  const path = viewsPath(dataDir);
  if (!existsSync(path)) return null;
  const db = await openDb();
  try {
    const alias = await attach(db.conn, path, 'read');
    try {
      return await work(db.conn, (n) => `${alias}.main.${ident(n)}`);
    } finally {
      await db.conn.run(`DETACH ${alias}`).catch(() => undefined);
    }
  } finally {
    db.close();
  }
}

/** A view's current rows, ordered; empty when the engine has not written it yet. */
export async function readView(dataDir: string, view: ViewName, where = ''): Promise<ViewRows> {
  const res = await withViews(dataDir, async (conn, q) => {
    const r = await conn.runAndReadAll(`SELECT * FROM ${q(view)} ${where ? `WHERE ${where}` : ''} ORDER BY ${VIEW_ORDER[view]}`);
    const columns = r.columnNames();
    return { columns, rows: r.getRows().map((row) => Object.fromEntries(columns.map((c, i) => [c, plain(row[i])]))) };
  });
  return { view, columns: res?.columns ?? [], rows: res?.rows ?? [] };
}

/** Writes DIR/<view>.csv for every view; returns the files with their row counts. */
export async function dumpViews(dataDir: string, outDir: string, views: readonly ViewName[] = VIEW_NAMES): Promise<{ view: ViewName; file: string; rows: number }[]> {
  await mkdir(outDir, { recursive: true });
  const done = await withViews(dataDir, async (conn, q) => {
    const out: { view: ViewName; file: string; rows: number }[] = [];
    for (const v of views) {
      const file = join(outDir, `${v}.csv`);
      const r = await conn.run(`COPY (SELECT * FROM ${q(v)} ORDER BY ${VIEW_ORDER[v]}) TO ${lit(file)} (FORMAT csv, HEADER)`);
      out.push({ view: v, file, rows: Number(r.rowsChanged) });
    }
    return out;
  });
  if (done) return done;
  // No views yet: empty files with nothing in them say so plainly.
  const out: { view: ViewName; file: string; rows: number }[] = [];
  for (const v of views) {
    const file = join(outDir, `${v}.csv`);
    await writeFile(file, '');
    out.push({ view: v, file, rows: 0 });
  }
  return out;
}
