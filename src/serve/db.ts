// The server's one DuckDB instance: in memory, with the ingest file (DATA/ingest.duckdb: the lake's
// listen ids, markers, playing-now) attached, the `pending` table of acknowledged listens not yet in
// Parquet (loaded from the ingest log, src/serve/ingest/pending.ts), and a few connections for reads,
// sharing the lake's views, where `listens` also covers `pending`. One instance, because DuckDB lets
// one process hold a file once; several connections, because reads run in parallel on them.
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryConn, type QueryResult } from '../lake/query.js';
import { attachLake, emptyView, tableRelation } from '../lake/views.js';
import { UTC_DAY } from '../lake/layout.js';
import { dataPaths } from '../lake/paths.js';
import { LISTEN_COLUMNS, tableSpec } from '../model/schema.js';
import { lit, openDb, type Db } from '../util/db.js';
import { PENDING, pendingDdl } from './ingest/pending.js';

export const INGEST_FILE = 'ingest.duckdb';

/**
 * DDL of the ingest file: the ids of every listen in the lake, markers (the last sequence number moved
 * into the lake, `seq`), and what users play now. (Acknowledged listens live in the ingest log.)
 */
export function ingestSchema(alias: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${alias}.seen (id UBIGINT)`,
    `CREATE TABLE IF NOT EXISTS ${alias}.meta (k VARCHAR PRIMARY KEY, v VARCHAR)`,
    `CREATE TABLE IF NOT EXISTS ${alias}.playing_now (user_id VARCHAR PRIMARY KEY, updated_at TIMESTAMPTZ, track_name VARCHAR, artist_name VARCHAR, album_name VARCHAR, payload VARCHAR)`,
  ];
}

export interface ServeDb {
  readonly db: Db;
  /** The connection ingest commits run on (one writer). */
  readonly writer: DuckDBConnection;
  /** How many reader connections the pool has. */
  readonly readers: number;
  /** Runs a read on a free connection of the pool, once every listen acknowledged before it is readable. */
  read<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
  /** What read() waits for first (the ingest's caughtUp, once the write path is open). */
  setReadBarrier(barrier: () => Promise<void>): void;
  /** Rows of a read-only query, as plain values. */
  query(sql: string): Promise<QueryResult>;
  /** Runs `work` once every reader is idle, holding them all (reads wait meanwhile): for removing lake files no read may still be scanning. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Re-creates the lake views (after a flush or an import added files); never fails (the old views stay). */
  refreshLake(): Promise<void>;
  /** Waits for reads in flight (up to 10 s), then closes every connection and the instance. */
  close(): Promise<void>;
}

export async function openServeDb(dataDir: string, opts: { readers?: number } = {}): Promise<ServeDb> {
  const db = await openDb();
  const writer = db.conn;
  // Reads of the lake open the same Parquet files again and again (a recap reads every file of the lake
  // for one user): their footers are parsed once. Lake files are never rewritten in place.
  await writer.run(`SET parquet_metadata_cache = true`);
  await writer.run(`ATTACH ${lit(join(dataDir, INGEST_FILE))} AS ingest`);
  for (const s of ingestSchema('ingest')) await writer.run(s);
  for (const s of pendingDdl()) await writer.run(s);
  const paths = dataPaths(dataDir);
  const pool: DuckDBConnection[] = [];
  for (let i = 0; i < (opts.readers ?? 4); i++) {
    const c = await db.instance.connect();
    await c.run(`SET TimeZone='UTC'`);
    pool.push(c);
  }
  const free = [...pool];
  const waiting: ((c: DuckDBConnection) => void)[] = [];

  async function lakeViews(conn: DuckDBConnection): Promise<void> {
    await attachLake(conn, paths);
    // Parquet listens plus the acknowledged ones not yet moved there (`pending`): both are "the lake".
    const spec = tableSpec('listens');
    await conn.run(`CREATE OR REPLACE VIEW lake_listens AS ${(await tableRelation(conn, paths, spec)) ?? emptyView(spec)}`);
    const cols = LISTEN_COLUMNS.map((c) => `"${c.name}"`).join(', ');
    await conn.run(
      `CREATE OR REPLACE VIEW listens AS SELECT * FROM lake_listens UNION ALL SELECT ${cols}, ${UTC_DAY('listened_at')} AS dt FROM memory.main.${PENDING}`,
    );
  }

  // Views live in the instance's catalog, shared by every connection: (re)created once, one refresh at a time.
  await lakeViews(writer);
  let refreshing: Promise<void> = Promise.resolve();

  let closing = false;
  async function acquire(): Promise<DuckDBConnection> {
    if (closing) throw new Error('the server is shutting down');
    const c = free.pop();
    if (c) return c;
    return new Promise((r) => waiting.push(r));
  }
  function releaseConn(c: DuckDBConnection): void {
    const w = waiting.shift();
    if (w) w(c);
    else free.push(c);
  }

  let barrier: () => Promise<void> = () => Promise.resolve();
  async function read<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    await barrier();
    const c = await acquire();
    try {
      return await work(c);
    } finally {
      releaseConn(c);
    }
  }

  async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const held: DuckDBConnection[] = [];
    try {
      for (let i = 0; i < pool.length; i++) held.push(await acquire());
      return await work();
    } finally {
      for (const c of held) releaseConn(c);
    }
  }

  return {
    db,
    writer,
    readers: pool.length,
    read,
    setReadBarrier(b) {
      barrier = b;
    },
    exclusive,
    query: (sql) => read((c) => queryConn(c, sql)),
    refreshLake() {
      // On a connection taken from the pool like any read: one in use may be inside the SQL console's
      // READ ONLY transaction, where re-creating a view fails and aborts the console's query.
      refreshing = refreshing.then(() => read((c) => lakeViews(c))).catch(() => undefined);
      return refreshing;
    },
    async close() {
      closing = true;
      // A read still running (a warm-up, a slow report) must finish before its connection goes.
      for (let i = 0; i < 500 && free.length < pool.length; i++) await new Promise((r) => setTimeout(r, 20));
      await refreshing;
      for (const c of pool) c.closeSync();
      db.close();
    },
  };
}
