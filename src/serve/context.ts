// What every route plugin gets: the data directory, the users, the server's DuckDB, the live views, the
// ingest path, metrics and settings. Routes live in src/serve/routes/, one file per area, each a
// function (app, ctx) that adds its routes; app.ts lists them.
import type { FastifyInstance } from 'fastify';
import type { ServeDb } from './db.js';
import type { Metrics } from './metrics.js';
import type { UserDirectory } from './users.js';
import type { LiveViews } from './live.js';
import type { Ingestor } from './ingest/ingestor.js';
import type { ParsePool } from './ingest/parse-pool.js';
import { availableParallelism } from 'node:os';

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  /** Largest body of POST /v1/listens, bytes (default 16 MB). */
  readonly bulkLimit: number;
  /** Requests per window per token (0: no limit). */
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  readonly requestTimeoutMs: number;
  /** How often acknowledged listens move from the ingest log into the lake's Parquet, ms. */
  readonly flushEveryMs: number;
  readonly logLevel: string;
  /** Worker threads reading large bulk bodies (0: read them on the event loop). */
  readonly parseWorkers: number;
}

export const DEFAULT_SERVE_CONFIG: ServeConfig = {
  host: '127.0.0.1',
  port: 8080,
  bulkLimit: 16 * 1024 * 1024,
  rateLimit: 6000,
  rateWindowMs: 60_000,
  requestTimeoutMs: 30_000,
  flushEveryMs: 30_000,
  logLevel: 'info',
  parseWorkers: availableParallelism(),
};

export interface ServerContext {
  readonly dataDir: string;
  readonly config: ServeConfig;
  readonly users: UserDirectory;
  readonly db: ServeDb;
  readonly live: LiveViews;
  readonly ingest: Ingestor;
  readonly metrics: Metrics;
  /** Threads that read large bulk bodies, when configured. */
  readonly parse: ParsePool | null;
  /** The ingest sequence number the engine has read up to. */
  engineSeq(): number;
}

export type RoutePlugin = (app: FastifyInstance, ctx: ServerContext) => Promise<void> | void;
