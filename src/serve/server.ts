// `earshot serve` as a library: opens the server's DuckDB, ingest file and log, starts the stream engine on
// the lake and then on acknowledged listens, moves acknowledged listens into Parquet once a checkpoint
// covers them, and listens for HTTP. close() stops in order: no new requests, the engine checkpoints,
// a last flush, files closed.
import type { FastifyInstance } from 'fastify';
import { mkdir } from 'node:fs/promises';
import { checkpointPath, readCheckpoint } from '../engine/checkpoint.js';
import { DEFAULT_CONFIG, type EngineConfig } from '../engine/config.js';
import { runStream, type RunResult } from '../engine/runner.js';
import { buildApp } from './app.js';
import { errorMessage } from '../util/errors.js';
import { DEFAULT_SERVE_CONFIG, type RoutePlugin, type ServeConfig, type ServerContext } from './context.js';
import { compactCrowdedMonths } from './compaction.js';
import { crowdedMonths } from '../lake/compact.js';
import { dataPaths } from '../lake/paths.js';
import { openServeDb } from './db.js';
import { loadRegistry } from '../reports/registry.js';
import { warmReportReads } from '../reports/runner.js';
import { serveSource } from './engine-source.js';
import { Ingestor } from './ingest/ingestor.js';
import { ParsePool } from './ingest/parse-pool.js';
import { LiveViews } from './live.js';
import { Metrics } from './metrics.js';
import { UserDirectory } from './users.js';
import { ingestRoutes } from './routes/ingest.js';
import { listenbrainzReadRoutes } from './routes/listenbrainz-read.js';
import { metaRoutes } from './routes/meta.js';
import { readRoutes } from './routes/reads.js';
import { DASHBOARD_ROUTES } from './routes/dashboard/index.js';
import { webRoutes } from './routes/web.js';

/** Every route plugin the server mounts, in order. */
export const ROUTES: RoutePlugin[] = [metaRoutes, ingestRoutes, listenbrainzReadRoutes, readRoutes, ...DASHBOARD_ROUTES, webRoutes()];

export interface ServeOptions {
  readonly dataDir: string;
  readonly config?: Partial<ServeConfig>;
  readonly engine?: EngineConfig;
  /** false: no logs (tests, benchmarks). */
  readonly logger?: boolean;
  /** Extra route plugins (tests). */
  readonly routes?: readonly RoutePlugin[];
  /** How often the engine writes its views and checkpoints, ms (defaults 1000 and 10000). */
  readonly emitEveryMs?: number;
  readonly checkpointEveryMs?: number;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly ctx: ServerContext;
  /** Resolves once the engine has replayed the lake and follows the server's own listens. */
  readonly live: Promise<void>;
  close(): Promise<void>;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const config: ServeConfig = { ...DEFAULT_SERVE_CONFIG, ...o.config };
  await mkdir(o.dataDir, { recursive: true });
  const db = await openServeDb(o.dataDir);
  await db.read((conn) => warmReportReads(conn, loadRegistry(o.dataDir).reports)).catch(() => undefined);
  const flushConn = await db.db.instance.connect();
  await flushConn.run(`SET TimeZone='UTC'`);
  const loadConn = await db.db.instance.connect();
  await loadConn.run(`SET TimeZone='UTC'`);
  const ingest = await Ingestor.open({ dataDir: o.dataDir, conn: db.writer, flushConn, loadConn });
  // A read sees every listen acknowledged before it (they reach `pending` a moment after their answer).
  db.setReadBarrier(() => ingest.caughtUp());
  const live = new LiveViews();
  await live.load(o.dataDir).catch(() => undefined);
  const metrics = new Metrics();
  // Listens the last checkpoint covered may still wait in the log (a crash before the flush):
  // they can move into Parquet straight away.
  const ck = await readCheckpoint(checkpointPath(o.dataDir)).catch(() => null);
  let ackedSeq = ck?.header.position?.kind === 'serve' ? ck.header.position.seq : 0;
  let engineSeq = ackedSeq;
  const parse = config.parseWorkers > 0 ? new ParsePool(config.parseWorkers) : null;
  const ctx: ServerContext = { dataDir: o.dataDir, config, users: new UserDirectory(o.dataDir), db, live, ingest, metrics, parse, engineSeq: () => engineSeq };

  // The engine, in the background for the server's lifetime.
  const abort = new AbortController();
  let resolveLive!: () => void;
  let rejectLive!: (e: unknown) => void;
  const liveP = new Promise<void>((res, rej) => {
    resolveLive = res;
    rejectLive = rej;
  });
  liveP.catch(() => undefined);
  const source = serveSource({
    dataDir: o.dataDir,
    db,
    ingest,
    onAck: (seq) => {
      ackedSeq = seq;
    },
    onRecent: (b) => live.pushRecent(b),
    onPosition: (seq) => {
      engineSeq = seq;
    },
    onLive: () => {
      live.isLive = true;
      resolveLive();
      void db.refreshLake();
    },
  });
  let engineError: unknown = null;
  const engineDone: Promise<RunResult | null> = runStream({
    dataDir: o.dataDir,
    source,
    config: o.engine ?? DEFAULT_CONFIG,
    speed: 'max',
    signal: abort.signal,
    freshOnOtherSource: true,
    emitEveryMs: o.emitEveryMs ?? 1000,
    // While the lake replays, a flush at least every 50,000 listens: one flush of a whole replay's
    // windows held the event loop (and every request) for seconds.
    emitEveryEvents: 50_000,
    checkpointEveryMs: o.checkpointEveryMs ?? 10_000,
    holdMs: 60_000,
    onReady: (engine, resumed) => live.attach(engine, resumed),
    onChanges: (changes, counters) => {
      live.apply(changes, counters);
    },
  }).catch((err: unknown) => {
    engineError = err;
    live.failed = errorMessage(err);
    return null;
  });
  // An engine that ends before it is live (it failed) must not leave `live` waiting forever.
  void engineDone.then(() => rejectLive(engineError ?? new Error('the stream engine stopped before it was live')));

  // Acknowledged listens move into Parquet once a checkpoint covers them.
  let flushing: Promise<unknown> = Promise.resolve();
  let compacted = 0;
  const flush = async (): Promise<void> => {
    const moved = ackedSeq > 0 ? await ingest.flush(ackedSeq) : 0;
    if (moved > 0) await db.refreshLake();
    // Only once live: the engine's replay reads lake files by name and must not see them go. On every
    // tick, not only after a flush: a large import leaves months in file order that no flush touches.
    if (live.isLive) compacted += await compactCrowdedMonths(o.dataDir, db);
  };
  // Whether compaction keeps up: months waiting for it, read from the lake's folders when asked (a month
  // a flush has just left crowded or in file order counts from the moment its file is in place).
  metrics.define('earshot_lake_months_to_compact', 'Months of listens with too many files or left in file order, which the flusher merges and sorts.', 'gauge', () => crowdedMonths(dataPaths(o.dataDir)).length);
  metrics.define('earshot_lake_compactions_total', 'Months the server has compacted.', 'counter', () => compacted);
  const flushTimer = setInterval(() => {
    flushing = flushing.then(flush).catch((err: unknown) => app.log.error({ err: String(err) }, 'flush failed'));
  }, config.flushEveryMs);

  flushing = flushing.then(flush).catch(() => undefined);
  const app = await buildApp({ ctx, routes: [...ROUTES, ...(o.routes ?? [])], logger: o.logger === false ? false : { level: config.logLevel } });

  let closed = false;
  /** Stops in order: no new requests, the engine checkpoints, a last flush, files closed. */
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearInterval(flushTimer);
    await app.close();
    abort.abort();
    await engineDone;
    await flushing;
    await flush().catch(() => undefined);
    await ingest.close();
    await parse?.close();
    await db.close();
    if (engineError) throw engineError;
  };
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    // The port is taken (say): the engine already runs on this data directory; stop it before failing.
    await close().catch(() => undefined);
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return { app, url, ctx, live: liveP, close };
}
