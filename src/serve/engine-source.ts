// The stream engine's source inside `earshot serve`: first the lake (history, replayed as fast as
// possible and resumed after the checkpoint's place), leaving out the server's own listens, then the
// listens the server acknowledges, read from `pending` by sequence number as each logged record lands there.
// The checkpoint holds both places; the flusher moves listens into Parquet only once a checkpoint
// covers them, so a restart neither loses nor counts twice.
import type { DuckDBConnection } from '@duckdb/node-api';
import { openLakeSource } from '../engine/sources/lake.js';
import { ACTION_CODE_SQL, BatchBuilder } from '../engine/sources/duck.js';
import { BatchDictionaries } from '../engine/sources/encode.js';
import { pullSource } from '../engine/sources/lifecycle.js';
import type { SourceSpec } from '../engine/sources/index.js';
import type { ListenBatch, SourceBatch, SourcePosition } from '../engine/types.js';
import type { ServeDb } from './db.js';
import type { Ingestor } from './ingest/ingestor.js';
import { PENDING_ROWS } from './ingest/pending.js';

/** Origins of the rows the server writes into the lake itself. */
export const API_ORIGIN_PATTERN = 'api:%';

type ServePos = Extract<SourcePosition, { kind: 'serve' }>;

export interface ServeSourceOptions {
  readonly dataDir: string;
  readonly db: ServeDb;
  readonly ingest: Ingestor;
  /** The engine's checkpoint now covers ingest sequence `seq`. */
  readonly onAck: (seq: number) => void;
  /** Each batch read from `pending` (ids of the engine's dictionaries), for the recent-listens list. */
  readonly onRecent?: (batch: ListenBatch) => void;
  /** Lake replay finished: the engine is live. */
  readonly onLive?: () => void;
  /** The ingest sequence number read up to, after each batch. */
  readonly onPosition?: (seq: number) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Ingest before live views: while the server accepts more than BUSY_RATE listens a second, the engine
 * waits (up to DEFER_LAG listens behind), so a burst's parsing, logging and answers get the cores and the
 * engine catches up after it; past DEFER_LAG it reads on regardless, so its lag (and `pending`) stays
 * bounded under a sustained load. Below BUSY_RATE it follows every commit.
 */
export const BUSY_RATE = 20_000;
export const DEFER_LAG = 3_000_000;

/**
 * Live batches start at least PACE_MS apart unless PACE_LAG listens wait: a batch costs a few queries
 * whatever its size, and logged listens reach `pending` every 50 ms under load; the views change at
 * each emit (every second) either way.
 */
const PACE_MS = 250;
const PACE_LAG = 100_000;

export function serveSource(o: ServeSourceOptions): SourceSpec {
  return {
    kind: 'custom',
    id: 'serve',
    open: async (c) => {
      if (c.from && c.from.kind !== 'serve') throw new Error(`the server's engine cannot resume from a ${c.from.kind} position`);
      let pos: ServePos = (c.from as ServePos | null) ?? { kind: 'serve', lake: null, seq: 0 };
      let conn: DuckDBConnection | null = null;
      let wake: (() => void) | null = null;
      o.ingest.onLoaded(() => {
        wake?.();
        wake = null;
      });

      async function* run(stopped: () => boolean): AsyncGenerator<SourceBatch> {
        // 1. History: the lake up to now, without the server's own listens (they come by sequence).
        const lake = await openLakeSource({
          dataDir: o.dataDir,
          dicts: c.dicts,
          from: pos.lake ? { kind: 'lake', ...pos.lake } : null,
          untilIdle: true,
          excludeOrigin: API_ORIGIN_PATTERN,
        });
        try {
          for await (const b of lake) {
            const p = b.position as Extract<SourcePosition, { kind: 'lake' }>;
            pos = { kind: 'serve', lake: { ts: p.ts, user: p.user, track: p.track }, seq: pos.seq };
            yield { ...b, position: pos };
            if (stopped()) return;
          }
        } finally {
          await lake.close();
        }
        o.onLive?.();
        // 2. Live: acknowledged listens in sequence order.
        conn = await o.db.db.instance.connect();
        await conn.run(`SET TimeZone='UTC'`);
        const enc = await BatchDictionaries.create(conn, c.dicts);
        const builder = new BatchBuilder(16_384);
        let lastBatch = 0;
        while (!stopped()) {
          // At most 100k listens a batch; one batch per read, so every batch ends at a known sequence number.
          // Only what has reached `pending` (loadedSeq); the rest of what is acknowledged is on its way.
          const hi = Math.min(o.ingest.loadedSeq, pos.seq + 100_000);
          const deferred = hi > pos.seq && o.ingest.seq - pos.seq < DEFER_LAG && o.ingest.acceptedLastSecond() > BUSY_RATE;
          if (hi <= pos.seq || deferred) {
            // Nothing new, or giving way to a burst: an empty batch lets the runner emit and checkpoint on time.
            yield { listens: builder.take(), position: pos, rejected: 0 };
            await (deferred ? sleep(100) : Promise.race([new Promise<void>((r) => (wake = r)), sleep(250)]));
            continue;
          }
          const early = lastBatch + PACE_MS - performance.now();
          if (early > 0 && hi - pos.seq < PACE_LAG) {
            await sleep(early);
            continue;
          }
          lastBatch = performance.now();
          const rel = `SELECT seq, user_id, track_key, track_name, artist_name, listened_at, ms_played, action FROM ${PENDING_ROWS} WHERE seq > ${pos.seq} AND seq <= ${hi}`;
          const tracksBefore = c.dicts.tracks.size;
          await enc.encode(rel);
          if (c.dicts.tracks.size > tracksBefore) {
            await enc.labels(`SELECT track_key, genre, mood FROM tracks WHERE track_key IN (SELECT track_key FROM (${rel}))`);
          }
          const res = await conn.stream(`
            SELECT eu.id, et.id, coalesce(ea.id, -1), CAST(epoch_ms(l.listened_at) AS DOUBLE), CAST(coalesce(l.ms_played, -1) AS INTEGER), ${ACTION_CODE_SQL('l.action')}
            FROM (${rel}) l ${enc.joins('l')} ORDER BY l.seq`);
          for (;;) {
            const chunk = await res.fetchChunk();
            if (!chunk || chunk.rowCount === 0) break;
            builder.addChunk(chunk);
          }
          const batch = builder.take();
          o.onRecent?.(batch);
          pos = { kind: 'serve', lake: pos.lake, seq: hi };
          o.onPosition?.(hi);
          yield { listens: batch, position: pos, rejected: 0 };
        }
      }

      return pullSource(
        run,
        () => {
          conn?.closeSync();
        },
        {
          id: 'serve',
          defaultSpeed: 'max' as const,
          async ack(p: SourcePosition) {
            if (p.kind === 'serve') o.onAck(p.seq);
          },
          status: () => ({ lag: Math.max(0, o.ingest.seq - pos.seq) }),
        },
      );
    },
  };
}
