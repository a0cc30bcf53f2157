// The write path of the server. Requests queue; one commit at a time takes everything queued (group
// commit), drops duplicates (within the group, and against every listen already stored, by listen_id:
// the ids are kept in memory, IdSet) and appends the accepted listens to DATA/ingest.duckdb in one
// transaction — DuckDB syncs its write-ahead log on commit, so a listen is durable when its request is
// answered. A group whose bodies fast-stage.ts read whole goes straight in by appender (fast-commit.ts);
// any other group is staged with the importers' SQL, which names each reject. A flusher later moves
// acknowledged listens into the lake's Parquet (src/import/commit.ts, the same code as `earshot
// import`), once the stream engine's checkpoint covers them.
import { appendFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { commitTable, createRejectsTable, type StagedOutput } from '../../import/commit.js';
import { lockLake } from '../../lake/compact.js';
import { dataPaths } from '../../lake/paths.js';
import { LISTEN_COLUMNS } from '../../model/schema.js';
import { listenIdSql } from '../../model/keys.js';
import { all, inTransaction, lit, scalar } from '../../util/db.js';
import { errorMessage } from '../../util/errors.js';
import { appendFast } from './fast-stage.js';
import { appendAccepted, dedupe, type FastGroupItem, type WriterTx } from './fast-commit.js';
import { IdSet } from './id-set.js';
import { stageGroup, type Body } from './stage-group.js';

/** The id (UBIGINT) of every listen stored: the lake's (`seen`) and those still in `pending`. */
const STORED_IDS = `SELECT id FROM ingest.seen UNION ALL SELECT ('0x' || listen_id)::UBIGINT FROM ingest.pending`;

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
  /** Most bodies one commit takes. */
  readonly maxGroup?: number;
}

export class Ingestor {
  private queue: Queued[] = [];
  private running = false;
  private gid = 0;
  private seqNow = 0;
  private listeners: ((lastSeq: number) => void)[] = [];
  private lock: Promise<unknown> = Promise.resolve();
  private flushing = false;
  /** Totals since start, for /metrics and the pipeline page. */
  readonly totals = { requests: 0, accepted: 0, duplicates: 0, rejected: 0, commits: 0, flushed: 0, flushes: 0 };
  private readonly tmpDir: string;
  /** The id of every listen stored: the `seen` table's (the lake's) and those of `pending`. */
  private readonly seen = new IdSet();
  /** fast-commit.ts's appender on ingest.pending, kept open between commits (opened on first use). */
  private appender: DuckDBAppender | null = null;
  /** The writer's transaction the next fast group appends in (fast-commit.ts appendAccepted). */
  private readonly tx: WriterTx = { open: false };

  private constructor(private readonly o: IngestorOptions) {
    this.tmpDir = join(dataPaths(o.dataDir).tmp, `ingest-${process.pid}`);
  }

  static async open(o: IngestorOptions): Promise<Ingestor> {
    const ing = new Ingestor(o);
    await mkdir(ing.tmpDir, { recursive: true });
    await ing.initSeen();
    await ing.loadIds(STORED_IDS);
    ing.seqNow = Number((await scalar(o.conn, `SELECT coalesce(max(seq), (SELECT TRY_CAST(v AS BIGINT) FROM ingest.meta WHERE k = 'seq'), 0) FROM ingest.pending`)) ?? 0);
    return ing;
  }

  /** The last sequence number handed out. */
  get seq(): number {
    return this.seqNow;
  }

  /** Called after each commit with the last sequence number it added. */
  onCommit(f: (lastSeq: number) => void): void {
    this.listeners.push(f);
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
        try {
          const results = await this.exclusive(() => this.commit(group.map((q) => q.body)));
          group.forEach((q, i) => q.resolve(results[i]!));
        } catch (err) {
          if (!(err instanceof BodyError) || group.length === 1) {
            for (const q of group) q.reject(err);
            continue;
          }
          // One body DuckDB could not read fails its group's staging: commit each alone, so only it fails.
          for (const q of group) {
            await this.exclusive(() => this.commit([q.body])).then(
              (r) => q.resolve(r[0]!),
              (e: unknown) => q.reject(e),
            );
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Commits the writer's open (empty) transaction, before any work on it other than a fast group's. */
  private async endTx(): Promise<void> {
    if (!this.tx.open) return;
    this.tx.open = false;
    await this.o.conn.run('COMMIT');
  }

  private async commit(bodies: readonly Body[]): Promise<IngestResult[]> {
    if (bodies.every((b) => b.fast)) return this.commitFast(bodies.map((b) => ({ rows: b.fast!, source: b.source, origin: b.origin })));
    await this.endTx();
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
      const values = PENDING_COLS.map((name) =>
        name === 'ingested_at' ? `TIMESTAMPTZ ${lit(now)}` : name === 'listen_id' ? 'o.listen_id' : name === 'source' || name === 'origin' ? `s."${name}"` : cols.has(name) ? `s."${name}"` : 'NULL',
      );
      if (n > 0) {
        // One statement, so atomic; the rows carry their sequence numbers (a flush keeps the last in `meta`).
        await c.run(`INSERT INTO ingest.pending (seq, ${PENDING_COLS.map((x) => `"${x}"`).join(', ')}) SELECT o.seq, ${values.join(', ')} FROM ${staged} s JOIN ${ok} o ON o.r = s.rowid`);
        await this.loadIds(`SELECT _id FROM ${ok}`);
      }
      const base = this.seqNow;
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
      this.committed(results, base, n);
      return results;
    } finally {
      // Every temp table of this group (stages, the readers' own) carries its id.
      const leftovers = await all(c, `SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '%${gid}%'`).catch(() => []);
      if (leftovers.length) await c.run(leftovers.map((r) => `DROP TABLE IF EXISTS temp.main."${String(r['table_name'])}"`).join(';\n')).catch(() => undefined);
      await removeGroupFiles(this.tmpDir, gid);
    }
  }

  /** A group of bodies fast-stage.ts read whole: deduplicated here, appended in one transaction. */
  private async commitFast(items: readonly FastGroupItem[]): Promise<IngestResult[]> {
    const acc = dedupe(items, this.seen);
    const base = this.seqNow;
    if (acc.n > 0) {
      this.appender ??= await this.o.conn.createAppender('pending', 'main', 'ingest');
      await appendAccepted(this.o.conn, this.appender, items, acc, base + 1, Date.now(), this.tx);
      for (let k = 0; k < acc.n; k++) this.seen.add(acc.hi[k]!, acc.lo[k]!);
    }
    this.seqNow += acc.n;
    const results = acc.perItem.map((x) => ({ accepted: x.accepted, duplicates: x.duplicates, rejected: 0, rejects: [] }));
    this.committed(results, base, acc.n);
    return results;
  }

  /** Counts a commit's results and tells the listeners (the engine's source) about its listens. */
  private committed(results: readonly IngestResult[], base: number, n: number): void {
    this.totals.commits++;
    for (const x of results) {
      this.totals.accepted += x.accepted;
      this.totals.duplicates += x.duplicates;
      this.totals.rejected += x.rejected;
    }
    if (n > 0) for (const f of this.listeners) f(base + n);
  }

  /**
   * Stages a group with at least one body fast-stage.ts declined into temp table `staged`: those bodies
   * through the importers' SQL (stageGroup), the rows fast-stage.ts read beside them by appender.
   * Returns the staged table's columns.
   */
  private async stage(bodies: readonly Body[], gid: string, staged: string): Promise<ReadonlySet<string>> {
    const c = this.o.conn;
    const fast = bodies.flatMap((b, item) => (b.fast ? [{ item, rows: b.fast, source: b.source, origin: b.origin }] : []));
    const slow = bodies.flatMap((b, item) => (b.fast ? [] : [item]));
    const viaSql = async (out: string): Promise<ReadonlySet<string>> => {
      try {
        return await stageGroup(c, slow.map((i) => bodies[i]!), this.tmpDir, gid, out);
      } catch (err) {
        throw new BodyError(`the body could not be read: ${errorMessage(err).split('\n')[0]}`, { cause: err });
      }
    };
    if (fast.length === 0) return viaSql(staged);
    const sq = `sql_${gid}`;
    const sqlCols = await viaSql(sq);
    const cols = await appendFast(c, staged, fast, sqlCols);
    // stageGroup numbered its bodies 0..; they are items `slow[n]` of the group.
    await c.run(`INSERT INTO ${staged} BY NAME SELECT * REPLACE ((${`[${slow.join(', ')}]`})[_item + 1] AS _item) FROM ${sq}`);
    return new Set(cols);
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
      const waiting = Number(await scalar(c, `SELECT count(*) FROM ingest.pending WHERE seq <= ${upTo}`));
      if (waiting === 0) return 0;
      release = await lockLake(paths).catch(() => null);
      if (!release) return 0; // an import is writing: try at the next flush
      const groups = await all(c, `SELECT DISTINCT source, origin FROM ingest.pending WHERE seq <= ${upTo} ORDER BY ALL`);
      const staged: StagedOutput[] = [];
      const own = new Set(['listen_id', 'source', 'origin', 'ingested_at']);
      const keep = PENDING_COLS.filter((n) => !own.has(n)).map((n) => `"${n}"`).join(', ');
      for (const [k, g] of groups.entries()) {
        const t = `flush_${fid}_${k}`;
        await c.run(`CREATE OR REPLACE TEMP TABLE ${t} AS SELECT seq AS _line, ${keep}, NULL::VARCHAR AS _field, NULL::VARCHAR AS _reason, NULL::VARCHAR AS _got, NULL::VARCHAR AS _raw, NULL::VARCHAR AS _dup
          FROM ingest.pending WHERE seq <= ${upTo} AND source IS NOT DISTINCT FROM ${g['source'] === null ? 'NULL' : lit(String(g['source']))} AND origin IS NOT DISTINCT FROM ${g['origin'] === null ? 'NULL' : lit(String(g['origin']))}`);
        staged.push({ stage: t, table: 'listens', origin: String(g['origin'] ?? 'api'), source: String(g['source'] ?? 'api'), ord: k, locKind: 'record' });
      }
      const rejectsTable = `rejects_${fid}`;
      await createRejectsTable(c, rejectsTable);
      const res = await commitTable({ conn: c, paths, importId: fid, ingestedAt: new Date().toISOString(), rejectsTable }, 'listens', staged);
      // The moved listens' ids go to `seen` (the lake's), and the sequence number is kept for when
      // `pending` is left empty, in the transaction that drops them.
      await this.exclusive(async () => {
        await this.endTx();
        await inTransaction(this.o.conn, () =>
          this.o.conn.run(`INSERT INTO ingest.seen SELECT ('0x' || listen_id)::UBIGINT FROM ingest.pending WHERE seq <= ${upTo};
            INSERT OR REPLACE INTO ingest.meta SELECT 'seq', max(seq)::VARCHAR FROM ingest.pending WHERE seq <= ${upTo};
            DELETE FROM ingest.pending WHERE seq <= ${upTo}`),
        );
      });
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
      await this.endTx();
      await this.o.conn.run(
        `INSERT OR REPLACE INTO ingest.playing_now VALUES (${lit(user)}, now(), ${lit(meta.track_name)}, ${lit(meta.artist_name)}, ${meta.release_name === undefined ? 'NULL' : lit(meta.release_name)}, ${lit(JSON.stringify(meta))})`,
      );
    });
  }

  async close(): Promise<void> {
    await this.exclusive(() => this.endTx());
    this.appender?.closeSync();
    this.appender = null;
    this.o.flushConn.closeSync();
    await rm(this.tmpDir, { recursive: true, force: true });
  }
}
