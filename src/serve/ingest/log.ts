// The server's write-ahead log of acknowledged listens: append-only segment files under DATA/ingest-log/,
// each record framed with its length and a CRC, written once per group commit (O_DSYNC: on disk when the
// write returns). A
// listen is durable when its record's sync returns; the in-memory `pending` table is loaded from the
// records afterwards (pending.ts) and rebuilt from them after a restart. Appending bytes and one sync
// cost a fraction of a DuckDB transaction over the same rows (whose appender ran on the event loop).
//
// Frame: u32 payload length, u32 CRC-32 of everything after it, f64 first sequence number, u32 rows,
// u32 flags (1: the payload has a column of pending_extra), payload (little-endian). Segments are named for the first sequence number they hold; once a flush
// has moved every listen of a segment into the lake, the segment is deleted (release). Only the last
// segment can end in a torn frame (a crash mid-append, never acknowledged): it is cut off on open.
import { closeSync, constants, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { EarshotError } from '../../util/errors.js';

const HEADER = 24;
const SEGMENT = /^seg-(\d{16})\.log$/;
/** A segment past this size is closed before the next append (records stay whole in one segment). */
const SEGMENT_BYTES = 256 << 20;

export interface LogRecord {
  /** Sequence number of the record's first listen. */
  readonly seq: number;
  /** Listens it holds (seq .. seq + n - 1). */
  readonly n: number;
  /** Whether the payload holds a column of pending_extra (pending.ts). */
  readonly extra: boolean;
  readonly payload: Buffer;
}

/** A damaged log: not a torn tail, which open() cuts off, but a bad frame before the end. */
export class LogError extends EarshotError {}

/** One framed record. */
export function frame(r: LogRecord): Buffer {
  const out = Buffer.allocUnsafe(HEADER + r.payload.length);
  out.writeUInt32LE(r.payload.length, 0);
  out.writeDoubleLE(r.seq, 8);
  out.writeUInt32LE(r.n, 16);
  out.writeUInt32LE(r.extra ? 1 : 0, 20);
  r.payload.copy(out, HEADER);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

interface Segment {
  readonly path: string;
  /** First sequence number it holds. */
  readonly first: number;
}

const segName = (first: number): string => `seg-${String(first).padStart(16, '0')}.log`;

/** Fsyncs a directory, so a file created in it survives a crash. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the frames of one segment. A frame that does not check out ends the reading: `torn` says where
 * the good part ends (the caller cuts a last segment there, or fails on an earlier one).
 */
async function* frames(path: string): AsyncGenerator<LogRecord | { torn: number }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(HEADER);
    let at = 0;
    while (at < size) {
      if (size - at < HEADER) return yield { torn: at };
      await fh.read(head, 0, HEADER, at);
      const len = head.readUInt32LE(0);
      if (size - at - HEADER < len) return yield { torn: at };
      const body = Buffer.allocUnsafe(HEADER - 8 + len);
      await fh.read(body, 0, body.length, at + 8);
      if (crc32(body) !== head.readUInt32LE(4)) return yield { torn: at };
      yield { seq: body.readDoubleLE(0), n: body.readUInt32LE(8), extra: (body.readUInt32LE(12) & 1) === 1, payload: body.subarray(HEADER - 8) };
      at += HEADER + len;
    }
  } finally {
    await fh.close();
  }
}

export class IngestLog {
  private segments: Segment[] = [];
  private active: FileHandle | null = null;
  private activeBytes = 0;
  /** Sequence number of the last listen appended (0: none since the log began). */
  private last = 0;
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  /** Opens the log in `dir`, cutting a torn last frame off. */
  static async open(dir: string): Promise<IngestLog> {
    await mkdir(dir, { recursive: true });
    const log = new IngestLog(dir);
    const names = (await readdir(dir)).filter((f) => SEGMENT.test(f)).sort();
    log.segments = names.map((f) => ({ path: join(dir, f), first: Number(SEGMENT.exec(f)![1]) }));
    const tail = log.segments.at(-1);
    if (tail) {
      for await (const r of frames(tail.path)) {
        if ('torn' in r) {
          const fh = await open(tail.path, 'r+');
          try {
            await fh.truncate(r.torn);
            await fh.datasync();
          } finally {
            await fh.close();
          }
        } else log.last = r.seq + r.n - 1;
      }
      if ((await stat(tail.path)).size === 0) {
        await rm(tail.path, { force: true });
        log.segments.pop();
      }
    }
    return log;
  }

  /** Sequence number of the last listen the log holds (0 when it holds none). */
  get lastSeq(): number {
    return this.last;
  }

  /** Every record holding a listen after `afterSeq`, in order. */
  async *records(afterSeq: number): AsyncGenerator<LogRecord> {
    for (const [i, s] of this.segments.entries()) {
      const next = this.segments[i + 1];
      if (next && next.first - 1 <= afterSeq) continue;
      for await (const r of frames(s.path)) {
        if ('torn' in r) {
          if (next) {
            throw new LogError(`the ingest log segment ${s.path} is damaged at byte ${r.torn}`, {
              hint: 'the server cannot tell which acknowledged listens it held from there on; to start anyway, move that file out of the ingest-log folder (the listens in it that are not in the lake yet are then lost)',
            });
          }
          return;
        }
        if (r.seq + r.n - 1 > afterSeq) yield r;
      }
    }
  }

  /**
   * Appends framed records (one group commit's, listens from `first` on, in order) and syncs them: every
   * listen in them is durable when this resolves. Appends run one at a time, in call order.
   */
  append(first: number, buffers: readonly Buffer[], lastSeq: number): Promise<void> {
    const work = async (): Promise<void> => {
      if (!this.active || this.activeBytes > SEGMENT_BYTES) await this.startSegment(first);
      const bytes = buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers);
      // The file is open with O_DSYNC: the write returns once the bytes are on disk, in one trip through
      // the thread pool (a write and then a datasync took two, each waiting for a busy event loop).
      await this.active!.write(bytes);
      this.activeBytes += bytes.length;
      this.last = lastSeq;
    };
    const next = this.writing.then(work);
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async startSegment(first: number): Promise<void> {
    await this.active?.close();
    const path = join(this.dir, segName(first));
    this.active = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC, 0o644);
    this.activeBytes = 0;
    syncDir(this.dir);
    this.segments.push({ path, first });
  }

  /**
   * Deletes every segment whose listens all have a sequence number ≤ `upTo` (they are in the lake). The
   * segment being appended to is closed first when it is one of them; the next append starts another.
   */
  release(upTo: number): Promise<void> {
    const work = async (): Promise<void> => {
      const keep: Segment[] = [];
      for (const [i, s] of this.segments.entries()) {
        const next = this.segments[i + 1];
        const lastOf = next ? next.first - 1 : this.last;
        if (lastOf > upTo) {
          keep.push(s);
          continue;
        }
        if (!next && this.active) {
          await this.active.close();
          this.active = null;
        }
        await rm(s.path, { force: true });
      }
      this.segments = keep;
    };
    const next = this.writing.then(work);
    this.writing = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.writing;
    await this.active?.close();
    this.active = null;
  }
}
