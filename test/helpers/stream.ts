// Test helpers for the stream engine: run it over a data directory, open the lake and the stored views
// side by side in one DuckDB, compare two relations row for row, and a NATS availability check.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_CONFIG, type EngineConfig } from '../../src/engine/config.js';
import { runStream, type RunResult } from '../../src/engine/runner.js';
import type { SourceSpec } from '../../src/engine/sources/index.js';
import { attachLake } from '../../src/lake/views.js';
import { dataPaths } from '../../src/lake/paths.js';
import { viewsPath } from '../../src/store/views.js';
import { lit, openDb, type Db } from '../../src/util/db.js';

export async function streamLake(dataDir: string, config: EngineConfig = DEFAULT_CONFIG): Promise<RunResult> {
  return runStream({ dataDir, source: { kind: 'lake' }, config, untilIdle: true, fresh: true });
}

export async function streamFrom(dataDir: string, source: SourceSpec, extra: Partial<Parameters<typeof runStream>[0]> = {}): Promise<RunResult> {
  return runStream({ dataDir, source, config: DEFAULT_CONFIG, untilIdle: true, idleMs: 1000, ...extra });
}

/** One DuckDB with the lake of `lakeDir` as views and the stored views of each `viewDirs` entry attached as its key. */
export async function compareDb(lakeDir: string | null, viewDirs: Record<string, string>): Promise<Db> {
  const db = await openDb();
  if (lakeDir) await attachLake(db.conn, dataPaths(lakeDir));
  for (const [alias, dir] of Object.entries(viewDirs)) {
    if (!existsSync(viewsPath(dir))) throw new Error(`no views in ${dir}`);
    await db.conn.run(`ATTACH ${lit(join(dir, 'views.duckdb'))} AS ${alias} (READ_ONLY)`);
  }
  return db;
}

export async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const r = await conn.runAndReadAll(sql);
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

export async function count(conn: DuckDBConnection, sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(`SELECT count(*) FROM (${sql})`)).getRows()[0]![0]);
}

/** Rows of a not in b and of b not in a (multisets), with a few examples. */
export async function diff(conn: DuckDBConnection, a: string, b: string): Promise<{ missing: number; extra: number; examples: Record<string, unknown>[] }> {
  const missing = await count(conn, `(${a}) EXCEPT ALL (${b})`);
  const extra = await count(conn, `(${b}) EXCEPT ALL (${a})`);
  const examples = missing + extra > 0 ? [...(await rows(conn, `SELECT 'batch only' AS side, * FROM ((${a}) EXCEPT ALL (${b})) LIMIT 3`)), ...(await rows(conn, `SELECT 'stream only' AS side, * FROM ((${b}) EXCEPT ALL (${a})) LIMIT 3`))] : [];
  return { missing, extra, examples };
}

// ---- NATS

export const NATS_HOST = process.env['EARSHOT_NATS'] ?? '127.0.0.1:4222';

/** `skip` for tests that need the NATS server: under CI=true an unreachable server fails the run. */
export async function needsNats(): Promise<{ skip?: string }> {
  const [host, port] = NATS_HOST.split(':');
  const ok = await new Promise<boolean>((resolve) => {
    const s = createConnection({ host: host!, port: Number(port ?? 4222) });
    const done = (v: boolean) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(2000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
  if (ok) return {};
  const msg = `NATS server not reachable at ${NATS_HOST}: install nats-server and start it with JetStream (nats-server -js), or set EARSHOT_NATS=HOST:PORT`;
  if (process.env['CI'] === 'true') throw new Error(msg);
  return { skip: msg };
}

export const randomStream = (): string => `T${randomBytes(5).toString('hex').toUpperCase()}`;

// ---- An in-memory model of the view store: applies change sets with the store's rules (deletes by key,
// a row replaces every stored row with its key) and names ids through the engine's dictionaries, so two
// engines fed the same listens in different orders (different ids) can be compared.

import type { Dicts } from '../../src/engine/dict.js';
import type { ChangeSet } from '../../src/views/tables.js';
import { VIEW_TABLES } from '../../src/views/tables.js';

type Namer = (d: Dicts, v: number) => string | number | null;
const byId = (pick: (d: Dicts) => readonly string[]): Namer => (d, v) => (v < 0 ? null : (pick(d)[v] ?? `?${v}`));
const NAMES: Record<string, Record<string, Namer>> = {
  trending_tracks_rows: { track: byId((d) => d.tracks.values) },
  user_profiles_rows: {
    user: byId((d) => d.users.values),
    ...Object.fromEntries(['g1', 'g2', 'g3'].map((c) => [c, byId((d) => d.genres.values)])),
    ...Object.fromEntries(['m1', 'm2', 'm3'].map((c) => [c, byId((d) => d.moods.values)])),
    ...Object.fromEntries(['a1', 'a2', 'a3'].map((c) => [c, byId((d) => d.artists.values)])),
  },
  sessions_rows: { user: byId((d) => d.users.values) },
};

export class MemoryViews {
  readonly tables = new Map<string, Map<string, string[]>>();

  apply(changes: ChangeSet, dicts: Dicts): void {
    for (const t of Object.values(VIEW_TABLES)) {
      const names = NAMES[t.table] ?? {};
      const value = (c: string, v: number) => (names[c] ? names[c](dicts, v) : v);
      const keyIdx = t.key.map((k) => t.columns.findIndex((c) => c.name === k));
      let store = this.tables.get(t.table);
      if (!store) this.tables.set(t.table, (store = new Map()));
      const dels = changes.deletes.get(t.table);
      if (dels) for (let r = 0; r < dels.n; r++) store.delete(JSON.stringify(t.key.map((k, j) => value(k, dels.cols[j]![r]!))));
      const rows = changes.rows.get(t.table);
      if (!rows) continue;
      const fresh = new Map<string, string[]>();
      for (let r = 0; r < rows.n; r++) {
        const vals = t.columns.map((c, j) => value(c.name, rows.cols[j]![r]!));
        const key = JSON.stringify(keyIdx.map((i) => vals[i]));
        if (!fresh.has(key)) fresh.set(key, []);
        fresh.get(key)!.push(JSON.stringify(vals));
      }
      for (const [k, v] of fresh) store.set(k, v);
    }
  }

  /** Every stored row of a table, as sorted JSON strings. */
  rows(table: string): string[] {
    return [...(this.tables.get(table)?.values() ?? [])].flat().sort();
  }
}

/** Every stored view of `a` equals that of `b`, row for row (counters without the wall-clock rates). */
export async function viewDiffs(a: string, b: string): Promise<Record<string, { missing: number; extra: number; examples: Record<string, unknown>[] }>> {
  const db = await compareDb(null, { va: a, vb: b });
  try {
    const out: Record<string, { missing: number; extra: number; examples: Record<string, unknown>[] }> = {};
    for (const v of ['trending_tracks', 'action_counts', 'active_users', 'user_profiles', 'sessions', 'late_listens', 'counters']) {
      const where = v === 'counters' ? ` WHERE counter NOT LIKE 'events_per_second%'` : '';
      out[v] = await diff(db.conn, `SELECT * FROM va.${v}${where}`, `SELECT * FROM vb.${v}${where}`);
    }
    return out;
  } finally {
    db.close();
  }
}

export async function viewCount(dir: string, view: string): Promise<number> {
  const db = await compareDb(null, { v: dir });
  try {
    return await count(db.conn, `SELECT * FROM v.${view}`);
  } finally {
    db.close();
  }
}
