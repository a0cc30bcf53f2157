// The write path of the server. Requests queue; one commit at a time takes everything queued (group
// commit), drops duplicates (within the group, and against every listen already stored, by listen_id:
// the ids are kept in memory, IdSet) and appends the accepted listens to the ingest log (log.ts) as one
// synced write, so a listen is durable when its request is answered. The log's records are then loaded
// into the in-memory `pending` table (pending.ts), which the engine, the reads and the flusher use. A
// group whose bodies fast-stage.ts read whole needs no SQL (fast-commit.ts dedupes it, pending.ts
// encodes it); any other group is staged with the importers' SQL, which names each reject. A flusher
// later moves acknowledged listens into the lake's Parquet (src/import/commit.ts, the same code as
// `earshot import`), once the stream engine's checkpoint covers them, and releases their log segments.
import { appendFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { commitTable, createRejectsTable, type StagedOutput } from '../../import/commit.js';
import { lockLake } from '../../lake/compact.js';
import { dataPaths } from '../../lake/paths.js';
import { LISTEN_COLUMNS } from '../../model/schema.js';
import { listenIdSql } from '../../model/keys.js';
import { all, inTransaction, lit, scalar } from '../../util/db.js';
import { errorMessage } from '../../util/errors.js';
import { FAST_COLUMNS } from './fast-stage.js';
import { dedupe } from './fast-commit.js';
import { groupRecords } from './prepare.js';
import { IdSet } from './id-set.js';
import { frame, IngestLog } from './log.js';
import { PENDING, PENDING_EXTRA, PENDING_ROWS, PendingLoader, recordsOf, recordsSql, type PendingRecord } from './pending.js';
import { stageGroup, type Body } from './stage-group.js';

/** The id (UBIGINT) of every listen stored: the lake's (`seen`) and those still in `pending`. */
const STORED_IDS = `SELECT id FROM ingest.seen UNION ALL SELECT id FROM ${PENDING_ROWS}`;

/** The ingest log's folder in a data directory. */
export const LOG_DIR = 'ingest-log';

export interface Reject {
  /** Line (NDJSON) or record (JSON array / payload item) within the request, 1-based. */
  readonly line: number | null;
  readonly field: string | null;
  readonly reason: string;
  readonly value: string | null;
}

export interface IngestResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Up to 100 rejects, in order. */
  readonly rejects: Reject[];
}

interface Queued {
  readonly body: Body;
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

/** Deletes the files a group commit wrote (their names start with its id). */
async function removeGroupFiles(dir: string, gid: string): Promise<void> {
  for (const f of await readdir(dir).catch(() => [] as string[])) if (f.includes(gid)) await rm(join(dir, f), { force: true, recursive: true });
}

/** A body the importers could not read at all (the client's to fix, a 400). */
export class BodyError extends Error {}

const SEEN_DONE = 'seen_initialised';
/** Columns a pending row stores (all of a listen's, with the pipeline's own). */
const PENDING_COLS = LISTEN_COLUMNS.map((c) => c.name);

export interface IngestorOptions {
  readonly dataDir: string;
  readonly conn: DuckDBConnection;
  /** A second connection of the same instance for flushes, so commits go on while Parquet is written. */
  readonly flushConn: DuckDBConnection;
  /** A third, on which logged records are loaded into `pending`. */
  readonly loadConn: DuckDBConnection;
  /** Most bodies one commit takes. */
  readonly maxGroup?: number;
  /** Least time between two loads of logged listens into `pending` unless a read waits, ms (tests lengthen it). */
  readonly loadEveryMs?: number;
}

export class Ingestor {
  private queue: Queued[] = [];
  private running = false;
  private gid = 0;
  private seqNow = 0;
  /** Every listen up to this sequence number is in the lake (none is left in `pending`). */
  private flushedSeq = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private flushing = false;
  /** Listens each recent commit accepted, the last second's (acceptedLastSecond). */
  private recent: { at: number; n: number }[] = [];
  /** Totals since start, for /metrics and the pipeline page. */
  readonly totals = { requests: 0, accepted: 0, duplicates: 0, rejected: 0, commits: 0, flushed: 0, flushes: 0 };
  private readonly tmpDir: string;
  /** The id of every listen stored: the `seen` table's (the lake's) and those of `pending`. */
  private readonly seen = new IdSet();

  private constructor(
    private readonly o: IngestorOptions,
    private readonly log: IngestLog,
    private readonly loader: PendingLoader,
  ) {
    this.tmpDir = join(dataPaths(o.dataDir).tmp, `ingest-${process.pid}`);
  }

  /**
   * Opens the write path: the lake's ids (once), the log (listens of an ingest file of an earlier
   * version moved into it first), `pending` rebuilt from the log's records after the last flush, and the
   * ids of everything stored.
   */
  static async open(o: IngestorOptions): Promise<Ingestor> {
    const flushed = async () => Number((await scalar(o.conn, `SELECT TRY_CAST(v AS BIGINT) FROM ingest.meta WHERE k = 'seq'`)) ?? 0);
    const log = await IngestLog.open(join(o.dataDir, LOG_DIR));
    await migrateIngestFile(o.conn, log, await flushed());
    const loader = new PendingLoader(o.loadConn, await flushed(), o.loadEveryMs);
    const ing = new Ingestor(o, log, loader);
    ing.flushedSeq = loader.loaded;
    await mkdir(ing.tmpDir, { recursive: true });
    await ing.initSeen();
    // `pending` is rebuilt from the log (empty in a new process; a test may reopen on the same instance).
    await o.conn.run(`DELETE FROM ${PENDING_ROWS}; DELETE FROM ${PENDING_EXTRA}`);
    let batch: PendingRecord[] = [];
    let bytes = 0;
    for await (const r of log.records(loader.loaded)) {
      batch.push(r);
      bytes += r.payload.length;
      if (bytes > 64 << 20) {
        await loader.load(batch);
        batch = [];
        bytes = 0;
      }
    }
    await loader.load(batch);
    await ing.loadIds(STORED_IDS);
    ing.seqNow = Math.max(loader.loaded, log.lastSeq);
    return ing;
  }

  /** The last sequence number handed out (every listen up to it is durable). */
  get seq(): number {
    return this.seqNow;
  }

  /** Every listen up to this sequence number is in `pending` (or the lake). */
  get loadedSeq(): number {
    return this.loader.loaded;
  }

  /** The last failure to load logged listens into `pending`, while it lasts. */
  get loadError(): string | null {
    return this.loader.error;
  }

  /** Logged listens DuckDB refused to load (lost to reads, the engine and the lake), and why the last were. */
  get lost(): { listens: number; reason: string | null } {
    return { listens: this.loader.lost, reason: this.loader.lostReason };
  }

  /** Called with the new loadedSeq each time logged listens reach `pending`. */
  onLoaded(f: (seq: number) => void): void {
    this.loader.onLoaded(f);
  }

  /**
   * Resolves once every listen acknowledged so far is in `pending` (what a read of `listens` must see), or
   * after `ms` at most: a load that keeps failing (loadError) must not hold every read.
   */
  caughtUp(ms = 10_000): Promise<void> {
    if (this.seqNow <= this.loader.loaded || this.loader.error) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([this.loader.whenLoaded(this.seqNow), new Promise<void>((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
  }

  /** Runs `work` with the writer connection to itself (commits and flushes take turns). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.lock.then(work, work);
    this.lock = next.catch(() => undefined);
    return next;
  }

  /** The ids of every listen in the lake, once: later commits keep the set up to date. */
  private async initSeen(): Promise<void> {
    const c = this.o.conn;
    const done = await scalar(c, `SELECT v FROM ingest.meta WHERE k = '${SEEN_DONE}'`);
    if (done) return;
    await inTransaction(c, async () => {
      await c.run(`DELETE FROM ingest.seen`);
      await c.run(`INSERT INTO ingest.seen SELECT DISTINCT ('0x' || listen_id)::UBIGINT FROM lake_listens WHERE listen_id IS NOT NULL`);
      await c.run(`INSERT OR REPLACE INTO ingest.meta VALUES ('${SEEN_DONE}', '1')`);
    });
  }

  /** Adds the ids a query returns (one UBIGINT column) to the in-memory set. */
  private async loadIds(sql: string): Promise<void> {
    const res = await this.o.conn.stream(sql);
    for (;;) {
      const chunk = await res.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const items = (chunk.getColumnVector(0) as unknown as { items: BigUint64Array }).items;
      this.seen.addWords(new Uint32Array(items.buffer, items.byteOffset, chunk.rowCount * 2));
    }
  }

  /** Queues a body; resolves once its listens are durable (or rejected). */
  submit(body: Body): Promise<IngestResult> {
    this.totals.requests++;
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ body, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const max = this.o.maxGroup ?? 2000;
        const group = this.queue.splice(0, max);
        // Bodies the fast path read go in together (no SQL); the others are staged in SQL after them. Both
        // halves are the same group: requests that arrived together, whose order among them is arbitrary.
        const fast = group.filter((q) => q.body.pre);
        const slow = group.filter((q) => !q.body.pre);
        if (fast.length > 0) {
          await this.exclusive(() => this.commitFast(fast.map((q) => q.body))).then(
            (results) => fast.forEach((q, i) => q.resolve(results[i]!)),
            (err: unknown) => fast.forEach((q) => q.reject(err)),
          );
        }
        if (slow.length > 0) await this.commitSlow(slow);
      }
    } finally {
      this.running = false;
    }
  }

  /** Stages bodies in SQL and commits them; a body DuckDB cannot read fails only itself (the others are retried alone). */
  private async commitSlow(group: readonly Queued[]): Promise<void> {
    try {
      const results = await this.exclusive(() => this.commit(group.map((q) => q.body)));
      group.forEach((q, i) => q.resolve(results[i]!));
    } catch (err) {
      if (!(err instanceof BodyError) || group.length === 1) {
        for (const q of group) q.reject(err);
        return;
      }
      for (const q of group) {
        await this.exclusive(() => this.commit([q.body])).then(
          (r) => q.resolve(r[0]!),
          (e: unknown) => q.reject(e),
        );
      }
    }
  }

  /** Commits bodies through the importers' SQL (stage-group.ts): rejects named, duplicates dropped, accepted ones logged. */
  private async commit(bodies: readonly Body[]): Promise<IngestResult[]> {
    // Its duplicate check reads the stored ids in SQL (`seen` and `pending`): every listen acknowledged so
    // far must have reached `pending` first.
    await this.caughtUp();
    const c = this.o.conn;
    const gid = `g${process.pid}_${++this.gid}`;
    const staged = `staged_${gid}`;
    const results: { accepted: number; duplicates: number; rejected: number; rejects: Reject[] }[] = bodies.map(() => ({ accepted: 0, duplicates: 0, rejected: 0, rejects: [] }));
    try {
      const cols = await this.stage(bodies, gid, staged);
      const col = (n: string) => (cols.has(n) ? `"${n}"` : 'NULL');
      const ok = `ok_${gid}`;
      // First row of a listen_id wins (by item, then line); a listen already stored (in the lake: `seen`;
      // or still pending) is a duplicate. Only
      // the keys go through the grouping and the anti-join: the rows themselves are read once, as they
      // are written below.
      await c.run(`CREATE OR REPLACE TEMP TABLE ${ok} AS
        WITH k AS (SELECT rowid AS r, _item::BIGINT * 4294967296 + _line AS pos, listen_id, ('0x' || listen_id)::UBIGINT AS _id
                   FROM (SELECT rowid, _item, _line, ${listenIdSql(col('user_id'), col('listened_at'), col('track_key'))} AS listen_id FROM ${staged} WHERE _reason IS NULL)),
        f AS (SELECT _id, arg_min(r, pos) AS r, min(pos) AS pos, any_value(listen_id) AS listen_id FROM k GROUP BY _id)
        SELECT r, _id, listen_id, ${this.seqNow} + row_number() OVER (ORDER BY pos) AS seq FROM f ANTI JOIN (${STORED_IDS}) s ON s.id = f._id`);
      // Per request: rejected, valid and accepted (valid but not accepted: a duplicate).
      let n = 0;
      let rejected = 0;
      for (const r of await all(c, `SELECT _item, count(*) FILTER (WHERE _reason IS NOT NULL) AS rej, count(*) FILTER (WHERE _reason IS NULL) AS valid, count(o.r) AS ok
          FROM ${staged} s LEFT JOIN ${ok} o ON o.r = s.rowid GROUP BY _item`)) {
        const x = results[Number(r['_item'])]!;
        x.rejected = Number(r['rej']);
        x.accepted = Number(r['ok']);
        x.duplicates = Number(r['valid']) - x.accepted;
        n += x.accepted;
        rejected += x.rejected;
      }
      const now = new Date().toISOString();
      if (n > 0) {
        // The accepted rows, one log record per request, durable before anything answers.
        const rel = `SELECT o.seq, o.listen_id, s.source, s.origin, s._item, ${FAST_COLUMNS.filter((x) => cols.has(x.name)).map((x) => `s."${x.name}"`).join(', ')} FROM ${staged} s JOIN ${ok} o ON o.r = s.rowid`;
        const records = recordsOf(await all(c, recordsSql(rel, cols, String(Date.parse(now)))), cols);
        await this.logRecords(records);
        await this.loadIds(`SELECT _id FROM ${ok}`);
      }
      this.seqNow += n;
      const rejRows = rejected === 0 ? [] : await all(c, `SELECT _item, _line, _field, _reason, _got, _raw FROM ${staged} WHERE _reason IS NOT NULL ORDER BY _item, _line`);
      if (rejRows.length > 0) await this.keepRejects(rejRows, bodies, now);
      for (const r of rejRows) {
        const x = results[Number(r['_item'])]!;
        if (x.rejects.length < 100) {
          x.rejects.push({
            line: r['_line'] === null ? null : Number(r['_line']),
            field: r['_field'] === null ? null : String(r['_field']),
            reason: String(r['_reason']),
            value: r['_got'] === null ? null : String(r['_got']),
          });
        }
      }
      this.committed(results);
      return results;
    } finally {
      // Every temp table of this group (stages, the readers' own) carries its id.
      const leftovers = await all(c, `SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '%${gid}%'`).catch(() => []);
      if (leftovers.length) await c.run(leftovers.map((r) => `DROP TABLE IF EXISTS temp.main."${String(r['table_name'])}"`).join(';\n')).catch(() => undefined);
      await removeGroupFiles(this.tmpDir, gid);
    }
  }

  /** Appends records to the log (durable when this resolves), then queues them for `pending`. */
  private async logRecords(records: readonly PendingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const last = records.at(-1)!;
    await this.log.append(records[0]!.seq, records.map(frame), last.seq + last.n - 1);
    this.loader.enqueue(records);
  }

  /**
   * Bodies the fast path read (prepare.ts): deduplicated in memory, logged as one write. A body prepared
   * whole is a record of its own (its duplicates left out by number); the others' new rows are encoded
   * together, one record per source and origin.
   */
  private async commitFast(bodies: readonly Body[]): Promise<IngestResult[]> {
    const items = bodies.map((b) => b.pre!);
    const acc = dedupe(items, this.seen);
    if (acc.n > 0) {
      const records = groupRecords(bodies.map((b) => ({ pre: b.pre!, source: b.source, origin: b.origin })), acc.perItem, this.seqNow + 1, Date.now());
      await this.logRecords(records);
      for (let k = 0; k < acc.n; k++) this.seen.add(acc.hi[k]!, acc.lo[k]!);
    }
    this.seqNow += acc.n;
    const results = acc.perItem.map((x) => ({ accepted: x.accepted, duplicates: x.duplicates, rejected: 0, rejects: [] }));
    this.committed(results);
    return results;
  }

  /** Counts a commit's results. */
  private committed(results: readonly IngestResult[]): void {
    this.totals.commits++;
    let n = 0;
    for (const x of results) {
      this.totals.accepted += x.accepted;
      this.totals.duplicates += x.duplicates;
      this.totals.rejected += x.rejected;
      n += x.accepted;
    }
    const now = performance.now();
    this.recent.push({ at: now, n });
    while (this.recent.length > 0 && this.recent[0]!.at < now - 1000) this.recent.shift();
  }

  /** Listens accepted over the last second. */
  acceptedLastSecond(): number {
    const since = performance.now() - 1000;
    let n = 0;
    for (const r of this.recent) if (r.at >= since) n += r.n;
    return n;
  }

  /** Stages bodies through the importers' SQL into temp table `staged`; returns its columns. */
  private async stage(bodies: readonly Body[], gid: string, staged: string): Promise<ReadonlySet<string>> {
    try {
      return await stageGroup(this.o.conn, bodies, this.tmpDir, gid, staged);
    } catch (err) {
      throw new BodyError(`the body could not be read: ${errorMessage(err).split('\n')[0]}`, { cause: err });
    }
  }

  /** Rejects are kept, like an import's: one NDJSON file per day under DATA/rejects (the lake's `rejects` view). */
  private async keepRejects(rows: Record<string, unknown>[], bodies: readonly Body[], at: string): Promise<void> {
    const paths = dataPaths(this.o.dataDir);
    await mkdir(paths.rejects, { recursive: true });
    const file = join(paths.rejects, `api-${at.slice(0, 10)}.ndjson`);
    const lines = rows.map((r) =>
      JSON.stringify({
        import_id: `api-${at.slice(0, 10)}`,
        file: bodies[Number(r['_item'])]!.origin,
        table: 'listens',
        loc_kind: bodies[Number(r['_item'])]!.kind === 'ndjson' ? 'line' : 'record',
        loc: r['_line'] === null ? null : Number(r['_line']),
        field: r['_field'],
        reason: r['_reason'],
        got: r['_got'],
        raw: r['_raw'],
        at,
      }),
    );
    await appendFile(file, lines.join('\n') + '\n');
  }

  /**
   * Moves acknowledged listens with seq ≤ `upTo` into the lake's Parquet, then drops them from the
   * ingest file. Returns how many moved. A crash in between leaves them in both; the next flush finds
   * them already in the lake (the import's own duplicate check) and only drops them.
   */
  async flush(upTo: number): Promise<number> {
    const c = this.o.flushConn;
    // Only one flush at a time; commits go on meanwhile (the rows it moves are committed and no longer change).
    if (this.flushing) return 0;
    this.flushing = true;
    const paths = dataPaths(this.o.dataDir);
    const fid = `f${process.pid}_${Date.now()}`;
    let release: (() => Promise<void>) | null = null;
    try {
      // Every listen at or below the last flush's sequence number is gone from `pending`: a lower bound lets
      // each scan skip the row groups of deleted rows (an in-memory table keeps them), which after a burst
      // are millions.
      const range = `seq > ${this.flushedSeq} AND seq <= ${upTo}`;
      const waiting = Number(await scalar(c, `SELECT count(*) FROM ${PENDING_ROWS} WHERE ${range}`));
      if (waiting === 0) return 0;
      release = await lockLake(paths).catch(() => null);
      if (!release) return 0; // an import is writing: try at the next flush
      const groups = await all(c, `SELECT DISTINCT source, origin FROM ${PENDING} WHERE ${range} ORDER BY ALL`);
      const staged: StagedOutput[] = [];
      const own = new Set(['listen_id', 'source', 'origin', 'ingested_at']);
      const keep = PENDING_COLS.filter((n) => !own.has(n)).map((n) => `"${n}"`).join(', ');
      for (const [k, g] of groups.entries()) {
        const t = `flush_${fid}_${k}`;
        await c.run(`CREATE OR REPLACE TEMP TABLE ${t} AS SELECT seq AS _line, ${keep}, NULL::VARCHAR AS _field, NULL::VARCHAR AS _reason, NULL::VARCHAR AS _got, NULL::VARCHAR AS _raw, NULL::VARCHAR AS _dup
          FROM ${PENDING} WHERE ${range} AND source IS NOT DISTINCT FROM ${g['source'] === null ? 'NULL' : lit(String(g['source']))} AND origin IS NOT DISTINCT FROM ${g['origin'] === null ? 'NULL' : lit(String(g['origin']))}`);
        staged.push({ stage: t, table: 'listens', origin: String(g['origin'] ?? 'api'), source: String(g['source'] ?? 'api'), ord: k, locKind: 'record' });
      }
      const rejectsTable = `rejects_${fid}`;
      await createRejectsTable(c, rejectsTable);
      const res = await commitTable({ conn: c, paths, importId: fid, ingestedAt: new Date().toISOString(), rejectsTable }, 'listens', staged);
      // The moved listens' ids go to `seen` (the lake's) and the last sequence number moved to `meta`, in one
      // transaction of the ingest file: a restart replays the log after it. Then they leave `pending`, and the
      // log segments holding nothing newer are deleted.
      await this.exclusive(async () => {
        await inTransaction(this.o.conn, () =>
          this.o.conn.run(`INSERT INTO ingest.seen SELECT id FROM ${PENDING_ROWS} WHERE ${range};
            INSERT OR REPLACE INTO ingest.meta SELECT 'seq', max(seq)::VARCHAR FROM ${PENDING_ROWS} WHERE ${range}`),
        );
        await this.o.conn.run(`DELETE FROM ${PENDING_ROWS} WHERE ${range}; DELETE FROM ${PENDING_EXTRA} WHERE ${range}`);
        this.flushedSeq = upTo;
      });
      await this.log.release(upTo);
      for (const st of staged) await c.run(`DROP TABLE IF EXISTS ${st.stage}`);
      await c.run(`DROP TABLE IF EXISTS ${rejectsTable}`);
      this.totals.flushed += res.written;
      this.totals.flushes++;
      await appendFile(paths.imports, JSON.stringify({ import_id: fid, kind: 'api-flush', files: [], tables: [{ table: 'listens', written: res.written }], at: new Date().toISOString() }) + '\n');
      return waiting;
    } catch (err) {
      throw new Error(`moving acknowledged listens into the lake failed: ${errorMessage(err)}`, { cause: err });
    } finally {
      this.flushing = false;
      await release?.();
      await rm(join(paths.tmp, fid), { recursive: true, force: true });
    }
  }

  /** What a user is playing now (ListenBrainz playing_now): kept, not a listen. */
  setPlayingNow(user: string, meta: { track_name: string; artist_name: string; release_name?: string }): Promise<void> {
    return this.exclusive(async () => {
      await this.o.conn.run(
        `INSERT OR REPLACE INTO ingest.playing_now VALUES (${lit(user)}, now(), ${lit(meta.track_name)}, ${lit(meta.artist_name)}, ${meta.release_name === undefined ? 'NULL' : lit(meta.release_name)}, ${lit(JSON.stringify(meta))})`,
      );
    });
  }

  async close(): Promise<void> {
    await this.lock;
    await this.log.close();
    await this.loader.idle();
    this.loader.close();
    this.o.flushConn.closeSync();
    this.o.loadConn.closeSync();
    await rm(this.tmpDir, { recursive: true, force: true });
  }
}

/**
 * An ingest file of an earlier version kept acknowledged listens in its own `pending` table: they move
 * into the log (records of consecutive sequence numbers), then the table goes. A crash in between only
 * logs them twice, which the loader skips by sequence number.
 */
async function migrateIngestFile(conn: DuckDBConnection, log: IngestLog, flushed: number): Promise<void> {
  const old = await scalar(conn, `SELECT count(*) FROM duckdb_tables() WHERE database_name = 'ingest' AND schema_name = 'main' AND table_name = 'pending'`);
  if (Number(old) === 0) return;
  const after = Math.max(flushed, log.lastSeq);
  const cols = new Set(FAST_COLUMNS.map((c) => c.name));
  // A record per run of consecutive sequence numbers of one commit and item (same source, origin and ingest
  // time), at most 10,000 listens each.
  const runs = `SELECT *, hash(source, origin, ingested_at, seq - row_number() OVER w, (row_number() OVER w) // 10000) AS _item
    FROM ingest.pending WHERE seq > ${after} WINDOW w AS (PARTITION BY source, origin, ingested_at ORDER BY seq)`;
  const records = recordsOf(await all(conn, recordsSql(runs, cols, 'epoch_ms(any_value(ingested_at))')), cols);
  if (records.length > 0) {
    const last = records.at(-1)!;
    await log.append(records[0]!.seq, records.map(frame), last.seq + last.n - 1);
  }
  await conn.run(`DROP TABLE ingest.pending`);
}
