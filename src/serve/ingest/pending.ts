// Acknowledged listens not yet in the lake's Parquet: `pending` in the server's in-memory database,
// loaded from the ingest log's records (log.ts) after they are durable, and rebuilt from them when the
// server starts.
// A record is one request body's listens as JSON, column by column: {seq, n, at, skip: [rows that were
// duplicates], r: {source, origin, id: [...], c: {column: [...]}}}. `r` is prepare.ts's payload, built
// from the arrays the fast path holds (on a parse worker for large bodies) and wrapped here as it is:
// the group commit only adds the sequence numbers and the duplicates. DuckDB reads the records back on
// its own threads (json_transform, unnest), off the request path. The loader keeps `loaded`: every
// listen up to that sequence number is in `pending`, so the engine reads up to it and a read waits for
// it (read-your-writes).
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { LISTEN_COLUMNS } from '../../model/schema.js';
import { errorMessage } from '../../util/errors.js';
import { FAST_COLUMNS } from './fast-stage.js';

/**
 * Acknowledged listens waiting for the lake, in the server's in-memory database: the view `pending`
 * (every listen column, and seq) over two tables. `pending_rows` holds the columns nearly every listen
 * has, with the id as a number; `pending_extra` the others (Spotify's flags and reasons, platform and
 * place, the ids a source gives), for the records that carry any. Every string a row stores costs
 * DuckDB ~0.2 µs to append (its statistics), a NULL column ~0.06 µs and the listen id as text ~0.6 µs:
 * the one wide table made the loader the largest cost of bulk ingest after parsing.
 */
export const PENDING = 'pending';
export const PENDING_ROWS = 'pending_rows';
export const PENDING_EXTRA = 'pending_extra';

/** The columns pending_rows holds beside seq and the id (the fast path always sets action and skipped). */
const MAIN = new Set(['user_id', 'listened_at', 'track_key', 'track_name', 'artist_name', 'album_name', 'ms_played', 'action', 'skipped']);
const MAIN_COLUMNS = FAST_COLUMNS.filter((c) => MAIN.has(c.name));
const EXTRA_COLUMNS = FAST_COLUMNS.filter((c) => !MAIN.has(c.name));
const EXTRA = new Set(EXTRA_COLUMNS.map((c) => c.name));
/** Whether a record's payload has a column of pending_extra (it then goes there too). */
export const hasExtra = (columns: Iterable<string>): boolean => {
  for (const c of columns) if (EXTRA.has(c)) return true;
  return false;
};

export function pendingDdl(): string[] {
  const mainCols = MAIN_COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ');
  const extraCols = EXTRA_COLUMNS.map((c) => `"${c.name}" ${c.type}`).join(', ');
  const view = LISTEN_COLUMNS.map((c) =>
    c.name === 'listen_id' ? `lpad(lower(to_hex(r.id)), 16, '0') AS listen_id` : MAIN.has(c.name) || ['source', 'origin', 'ingested_at'].includes(c.name) ? `r."${c.name}"` : `e."${c.name}"`,
  );
  return [
    `CREATE TABLE IF NOT EXISTS ${PENDING_ROWS} (seq BIGINT, id UBIGINT, ${mainCols}, source VARCHAR, origin VARCHAR, ingested_at TIMESTAMPTZ)`,
    `CREATE TABLE IF NOT EXISTS ${PENDING_EXTRA} (seq BIGINT, ${extraCols})`,
    `CREATE OR REPLACE VIEW ${PENDING} AS SELECT r.seq, ${view.join(', ')} FROM ${PENDING_ROWS} r LEFT JOIN ${PENDING_EXTRA} e ON e.seq = r.seq`,
  ];
}

/** How a record spells a column: times as epoch milliseconds, everything else as itself. */
const jsonType = (type: string): string => (type === 'TIMESTAMPTZ' ? 'BIGINT' : type);

/** The json_transform type of a list of records. */
const RECORDS_TYPE = JSON.stringify([
  {
    seq: 'BIGINT',
    n: 'BIGINT',
    at: 'BIGINT',
    skip: 'BIGINT[]',
    r: {
      source: 'VARCHAR',
      origin: 'VARCHAR',
      id: 'VARCHAR[]',
      c: Object.fromEntries(FAST_COLUMNS.map((c) => [c.name, `${jsonType(c.type)}[]`])),
      k: Object.fromEntries(FAST_COLUMNS.map((c) => [c.name, jsonType(c.type)])),
    },
  },
]);

const ms = (col: string): string => `make_timestamptz(${col} * 1000)`;

/** A column of a record's rows: its own list, else the record's constant (prepare.ts); a plain name key spelled again. */
function columnOf(name: string): string {
  if (name === 'track_key') return `coalesce("track_key", rec.r.k."track_key", 'name:' || lower(coalesce("artist_name", rec.r.k."artist_name")) || ' — ' || lower(coalesce("track_name", rec.r.k."track_name")))`;
  return `coalesce("${name}", rec.r.k."${name}")`;
}

/**
 * The rows of a JSON list of records ($1, a BLOB) with a sequence number above $2, with `cols` of
 * FAST_COLUMNS (and seq, listen_id, source, origin, ingested_at with `all`). Row i of a record is left
 * out when `skip` holds it; the others take the record's numbers in order. A column a record does not
 * carry is NULL (unnest pads the shorter lists) unless the record gives it as a constant.
 */
function recordRows(cols: readonly { name: string; type: string }[]): string {
  const used = new Set(cols.map((c) => c.name));
  // track_key is spelled from the names when a record leaves it out.
  if (used.has('track_key')) for (const n of ['artist_name', 'track_name']) used.add(n);
  const unnested = FAST_COLUMNS.filter((c) => used.has(c.name));
  return `SELECT rec.seq + CASE WHEN len(rec.skip) = 0 THEN i ELSE i - len(list_filter(rec.skip, x -> x < i)) END AS seq,
         len(rec.skip) > 0 AND list_contains(rec.skip, i) AS dropped,
         listen_id, ${cols.map((c) => `${columnOf(c.name)} AS "${c.name}"`).join(', ')},
         rec.r.source AS source, rec.r.origin AS origin, ${ms('rec.at')} AS ingested_at
  FROM (
    SELECT rec, unnest(range(len(rec.r.id))) AS i, unnest(rec.r.id) AS listen_id, ${unnested.map((c) => `unnest(rec.r.c."${c.name}") AS "${c.name}"`).join(', ')}
    FROM (SELECT unnest(json_transform(decode($1), '${RECORDS_TYPE}')) AS rec)
  )`;
}

const value = (c: { name: string; type: string }): string => (c.type === 'TIMESTAMPTZ' ? `${ms(`"${c.name}"`)} AS "${c.name}"` : `"${c.name}"`);

/** Inserts the records' listens into pending_rows. */
const INSERT_ROWS = `INSERT INTO ${PENDING_ROWS} (seq, id, ${MAIN_COLUMNS.map((c) => `"${c.name}"`).join(', ')}, source, origin, ingested_at)
SELECT seq, ('0x' || listen_id)::UBIGINT, ${MAIN_COLUMNS.map(value).join(', ')}, source, origin, ingested_at
FROM (${recordRows(MAIN_COLUMNS)})
WHERE NOT dropped AND seq > $2`;

/** Inserts the records' other columns into pending_extra (given only the records that carry any). */
const INSERT_EXTRA = `INSERT INTO ${PENDING_EXTRA} (seq, ${EXTRA_COLUMNS.map((c) => `"${c.name}"`).join(', ')})
SELECT seq, ${EXTRA_COLUMNS.map(value).join(', ')}
FROM (${recordRows(EXTRA_COLUMNS)})
WHERE NOT dropped AND seq > $2`;

export interface PendingRecord {
  readonly seq: number;
  readonly n: number;
  /** Whether the payload holds a column of pending_extra. */
  readonly extra: boolean;
  readonly payload: Buffer;
}

/**
 * The record of one body: `payload` is prepare.ts's (every row of the body), `skip` the rows left out
 * (duplicates, ascending), `n` the rows kept, numbered from `seq`.
 */
export function wrapRecord(seq: number, n: number, atMs: number, skip: readonly number[], payload: Uint8Array, extra: boolean): PendingRecord {
  const head = Buffer.from(`{"seq":${seq},"n":${n},"at":${atMs},"skip":[${skip.join(',')}],"r":`);
  return { seq, n, extra, payload: Buffer.concat([head, payload, CLOSE_BRACE]) };
}

/**
 * SQL giving the records of rows already in DuckDB (the SQL path, an older ingest file): `rel` has
 * seq, listen_id, source, origin, `_item` (rows of one item share source and origin and hold consecutive
 * sequence numbers) and the listen columns in `cols`; `at` is the SQL of the ingest time in epoch ms (an
 * aggregate over the item's rows, or a constant). Columns: seq, n, payload (VARCHAR).
 */
export function recordsSql(rel: string, cols: ReadonlySet<string>, at: string): string {
  const c = FAST_COLUMNS.filter((x) => cols.has(x.name))
    .map((x) => `'${x.name}': list(${x.type === 'TIMESTAMPTZ' ? `epoch_ms("${x.name}")` : `"${x.name}"`} ORDER BY seq)`)
    .join(', ');
  return `SELECT min(seq) AS seq, count(*) AS n,
      to_json({'seq': min(seq), 'n': count(*), 'at': ${at}, 'skip': []::BIGINT[],
               'r': {'source': any_value(source), 'origin': any_value(origin), 'id': list(listen_id ORDER BY seq), 'c': {${c}}}})::VARCHAR AS payload
    FROM (${rel}) GROUP BY _item ORDER BY seq`;
}

/** Records from recordsSql's rows (`cols` as given to it). */
export function recordsOf(rows: readonly Record<string, unknown>[], cols: ReadonlySet<string>): PendingRecord[] {
  const extra = hasExtra(cols);
  return rows.map((r) => ({ seq: Number(r['seq']), n: Number(r['n']), extra, payload: Buffer.from(String(r['payload'])) }));
}

/** DuckDB's errors about the data it was given (as opposed to memory, I/O or a closed connection). */
const DATA_ERROR = /^(Invalid Input|Conversion|Constraint) Error/;

/** Least time between the starts of two loads, unless a read waits for one, ms. */
const LOAD_EVERY_MS = 50;
/** Most payload bytes one insert takes. */
const BATCH_BYTES = 32 << 20;
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
const CLOSE_BRACE = Buffer.from('}');

/** A JSON list of records' payloads. */
function blob(recs: readonly PendingRecord[]): Buffer {
  const parts: Buffer[] = [OPEN];
  recs.forEach((r, i) => (i ? parts.push(COMMA, r.payload) : parts.push(r.payload)));
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

/**
 * Loads records into `pending` in sequence order, on its own connection, one statement for whatever has
 * queued up meanwhile. Records arrive in order; listens at or below `loaded` are skipped (a record
 * replayed twice, or one a flush already moved).
 */
export class PendingLoader {
  private queue: PendingRecord[] = [];
  private running: Promise<void> | null = null;
  private stmts: { rows: DuckDBPreparedStatement; extra: DuckDBPreparedStatement } | null = null;
  private waiters: { seq: number; resolve: () => void }[] = [];
  /** Ends the pause between loads early (someone waits for a load). */
  private hurry: (() => void) | null = null;
  private listeners: ((seq: number) => void)[] = [];
  /** The last load's error, for /healthz; cleared by the next load that succeeds. */
  error: string | null = null;
  /**
   * Listens of records DuckDB refused to read even alone (never expected: the fast path only encodes what
   * reads back; a bad record must not hold back every later one), and why the last one was refused.
   */
  lost = 0;
  lostReason: string | null = null;

  /** When the last load started (performance.now()). */
  private lastLoad = performance.now();

  constructor(
    private readonly conn: DuckDBConnection,
    /** Every listen up to this sequence number is in `pending` (or already in the lake). */
    public loaded: number,
    /** Least time between the starts of two loads unless someone waits for one, ms. */
    private readonly everyMs = LOAD_EVERY_MS,
  ) {}

  /** Called with the new `loaded` after each load. */
  onLoaded(f: (seq: number) => void): void {
    this.listeners.push(f);
  }

  enqueue(records: readonly PendingRecord[]): void {
    if (records.length === 0) return;
    this.queue.push(...records);
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  /** Resolves once every listen up to `seq` is loaded (a load waiting out its pause starts at once). */
  whenLoaded(seq: number): Promise<void> {
    if (seq <= this.loaded) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.waiters.push({ seq, resolve }));
    this.hurry?.();
    return p;
  }

  /** Loads records now (the start-up replay), in order; fails when DuckDB cannot read them. */
  async load(records: readonly PendingRecord[]): Promise<void> {
    await this.idle();
    for (let i = 0; i < records.length; ) {
      const take = this.batchSize(records, i);
      await this.insertOrIsolate(records.slice(i, i + take));
      i += take;
    }
  }

  /**
   * Inserts a batch; when DuckDB refuses it for its data, each record alone, and a record refused alone
   * is counted as lost and passed over (the sequence moves past it). Other errors are thrown.
   */
  private async insertOrIsolate(batch: readonly PendingRecord[]): Promise<void> {
    try {
      await this.insert(batch);
      return;
    } catch (err) {
      if (!DATA_ERROR.test(errorMessage(err))) throw err;
      if (batch.length === 1) {
        this.lost += batch[0]!.n;
        this.lostReason = `listens ${batch[0]!.seq}-${batch[0]!.seq + batch[0]!.n - 1}: ${errorMessage(err).split('\n')[0]}`;
        this.advance(batch[0]!);
        return;
      }
    }
    for (const r of batch) await this.insertOrIsolate([r]);
  }

  /** How many records from `from` one insert takes. */
  private batchSize(records: readonly PendingRecord[], from: number): number {
    let bytes = 0;
    let take = 0;
    while (from + take < records.length && (take === 0 || bytes + records[from + take]!.payload.length < BATCH_BYTES)) bytes += records[from + take++]!.payload.length;
    return take;
  }

  /** Inserts one batch of records (in order), in one transaction, and moves `loaded` past them. */
  private async insert(batch: readonly PendingRecord[]): Promise<void> {
    this.stmts ??= { rows: await this.conn.prepare(INSERT_ROWS), extra: await this.conn.prepare(INSERT_EXTRA) };
    const after = BigInt(this.loaded);
    const withExtra = batch.filter((r) => r.extra);
    await this.conn.run('BEGIN TRANSACTION');
    try {
      for (const [stmt, recs] of [[this.stmts.rows, batch], [this.stmts.extra, withExtra]] as const) {
        if (recs.length === 0) continue;
        stmt.bindBlob(1, blob(recs));
        stmt.bindBigInt(2, after);
        await stmt.run();
      }
      await this.conn.run('COMMIT');
    } catch (err) {
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
    this.advance(batch.at(-1)!);
  }

  /** Moves `loaded` past a record and wakes whoever waits for it. */
  private advance(last: PendingRecord): void {
    this.loaded = Math.max(this.loaded, last.seq + last.n - 1);
    const ready = this.waiters.filter((w) => w.seq <= this.loaded);
    this.waiters = this.waiters.filter((w) => w.seq > this.loaded);
    for (const w of ready) w.resolve();
    for (const f of this.listeners) f(this.loaded);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // Loads at most every LOAD_EVERY_MS unless someone waits: each statement costs ~1 ms of DuckDB's
      // time whatever its size, and every load wakes the engine for a batch of its own.
      const pause = this.lastLoad + this.everyMs - performance.now();
      if (pause > 0 && this.waiters.length === 0) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, pause);
          this.hurry = () => {
            clearTimeout(t);
            r();
          };
        });
        this.hurry = null;
      }
      this.lastLoad = performance.now();
      const take = this.batchSize(this.queue, 0);
      try {
        await this.insertOrIsolate(this.queue.slice(0, take));
        this.error = null;
      } catch (err) {
        // Still in the log, so a restart loads them again; retried after a pause, and /healthz says so meanwhile.
        this.error = errorMessage(err);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      this.queue.splice(0, take);
    }
  }

  /** Waits for what is queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.stmts?.rows.destroySync();
    this.stmts?.extra.destroySync();
    this.stmts = null;
  }
}
