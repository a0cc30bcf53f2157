// Runs the engine over a source: paces replays (--speed), flushes changed rows into the view store about
// once a second, and checkpoints (flush, state + position in one file, then ack) every few seconds and
// at the end. The order — rows written, then the checkpoint, then the ack — is what makes a crash
// harmless: a restart resumes from the checkpoint, replays what came after it, and the upserts rewrite
// the same rows.
import { lockLake } from '../lake/compact.js';
import { acquireLock } from '../lake/lock.js';
import { dataPaths } from '../lake/paths.js';
import { mkdir } from 'node:fs/promises';
import type { ViewStore } from '../store/views.js';
import { openThreadedViewStore } from '../store/views-thread.js';
import { UsageError, errorMessage } from '../util/errors.js';
import { CheckpointError, checkpointPath, readCheckpoint, removeCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { EngineConfig } from './config.js';
import { Engine } from './engine.js';
import { openSource, sourceId, type SourceSpec } from './sources/index.js';
import { sliceBatch, type ListenBatch, type SourcePosition } from './types.js';
import type { ChangeSet } from '../views/tables.js';
import type { InputProblem } from '../import/inputs.js';

export interface RunOptions {
  readonly dataDir: string;
  readonly source: SourceSpec;
  readonly config: EngineConfig;
  /** Event-time speed (60 = an hour per minute), 'max', or the source's default. */
  readonly speed?: number | 'max';
  /** Stop when the source has nothing more (end of a replay, an idle broker). */
  readonly untilIdle?: boolean;
  /** Forget the checkpoint and the stored views first. */
  readonly fresh?: boolean;
  readonly emitEveryMs?: number;
  /**
   * Emit at least every this many listens (default 3,000,000). A flush runs on the event loop, and what
   * it collects grows with the event time it covers: a server that must keep answering requests while it
   * replays the lake asks for small flushes.
   */
  readonly emitEveryEvents?: number;
  readonly checkpointEveryMs?: number;
  /** How long the views file may stay attached between writes (see ViewStoreOptions.holdMs). */
  readonly holdMs?: number;
  /** Idle time after which a broker source counts as idle, ms. */
  readonly idleMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: RunProgress) => void;
  readonly progressEveryMs?: number;
  /** Called after each write of the views (for latency measurements). */
  readonly onEmit?: (e: { at: number; latenciesMs: readonly number[] }) => void;
  /** Start over (as --fresh) when the checkpoint was made from another source, instead of failing. */
  readonly freshOnOtherSource?: boolean;
  /** Called once the engine is restored (or fresh), before the first batch: in-process readers keep it. */
  readonly onReady?: (engine: Engine, resumed: boolean) => void;
  /** Called with each flush's changed rows and the counters, before they are written (in-process live views). */
  readonly onChanges?: (changes: ChangeSet, counters: Readonly<Record<string, number>>) => void;
}

export interface RunProgress {
  readonly counters: Readonly<Record<string, number>>;
  readonly eventsPerSecond: number;
  readonly watermark: number;
  readonly maxEventTime: number;
  readonly lag: number | null;
  readonly checkpoints: number;
  readonly resumed: boolean;
}

export interface RunResult extends RunProgress {
  readonly seconds: number;
  readonly position: SourcePosition | null;
  readonly checkpointBytes: number;
  readonly emits: number;
  readonly stateStats: ReturnType<Engine['stats']>;
  /** Epoch ms when the last batch was applied. */
  readonly lastBatchAt: number;
  /** Seconds spent waiting for the source, applying batches, collecting rows, writing them, and writing checkpoints. */
  readonly timings: { source: number; apply: number; flush: number; write: number; checkpoint: number };
  /** Inputs the source could not read (see StreamSource.problems). */
  readonly problems: readonly InputProblem[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Emit at least every this many listens: what a flush collects (closed windows at full speed) stays bounded. */
const EMIT_EVENTS = 3_000_000;

export async function runStream(o: RunOptions): Promise<RunResult> {
  const t0 = performance.now();
  const id = sourceId(o.source);
  await mkdir(o.dataDir, { recursive: true });
  const paths = dataPaths(o.dataDir);
  const release = await acquireLock(paths.streamLock);
  // A compaction a dead process left half done is repaired before the lake is read (when an import
  // holds the write lock right now, it has done that itself).
  await lockLake(paths).then((r) => r(), () => undefined);
  const engine = new Engine(o.config);
  const ckptPath = checkpointPath(o.dataDir);
  let store: ViewStore | null = null;
  try {
    store = await openThreadedViewStore(o.dataDir, { holdMs: o.holdMs ?? 10_000 });
    let from: SourcePosition | null = null;
    let resumed = false;
    if (o.fresh) {
      await removeCheckpoint(ckptPath);
      await store.clear();
    } else {
      let ck = await readCheckpoint(ckptPath);
      if (ck && ck.header.sourceId !== id && o.freshOnOtherSource) {
        await removeCheckpoint(ckptPath);
        await store.clear();
        ck = null;
      }
      if (ck) {
        if (ck.header.sourceId !== id) {
          throw new UsageError(`the views in ${o.dataDir} were built from ${ck.header.sourceId}, not ${id}`, { hint: 'run with --fresh to start the views over from this source' });
        }
        if (JSON.stringify(ck.header.config) !== JSON.stringify(o.config)) {
          throw new UsageError(`the views in ${o.dataDir} were built with other settings (windows or lateness)`, { hint: 'run with the same settings, or with --fresh to rebuild the views' });
        }
        try {
          engine.restore(ck.state);
        } catch (err) {
          throw new CheckpointError(`${ckptPath} is damaged: ${errorMessage(err)}`, { hint: 'run with --fresh to rebuild the views from the source', cause: err });
        }
        from = ck.header.position;
        resumed = true;
      }
    }
    o.onReady?.(engine, resumed);
    const source = await openSource(o.source, { dataDir: o.dataDir, dicts: engine.dicts, from, untilIdle: o.untilIdle ?? false, idleMs: o.idleMs ?? 2000 });
    const onAbort = () => source.stop();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    // Aborted while the checkpoint was read or the source opened: the event has fired already. (A server
    // whose port was taken stopped its engine this early and then waited for it forever.)
    if (o.signal?.aborted) source.stop();
    const speed = o.speed ?? source.defaultSpeed;
    const emitEvery = o.emitEveryMs ?? 1000;
    const emitEvents = o.emitEveryEvents ?? EMIT_EVENTS;
    const ckptEvery = o.checkpointEveryMs ?? 10_000;

    let position = from;
    let checkpoints = 0;
    let checkpointBytes = 0;
    let emits = 0;
    let lastEmit = performance.now();
    let lastCkpt = performance.now();
    let lastProgress = 0;
    let emittedIn = engine.counters.events_in;
    let rate = 0;
    const startIn = engine.counters.events_in;
    let pendingPublished: { at: number; n: number }[] = [];
    const timings = { source: 0, apply: 0, flush: 0, write: 0, checkpoint: 0 };

    const counters = (): Record<string, number> => ({
      ...engine.counters,
      events_per_second: Math.round(rate),
      events_per_second_run: Math.round((engine.counters.events_in - startIn) / Math.max(1e-3, (performance.now() - t0) / 1000)),
      watermark_ms: Number.isFinite(engine.watermark) ? engine.watermark : NaN,
      max_event_ms: Number.isFinite(engine.maxEventTime) ? engine.maxEventTime : NaN,
    });

    // Writes overlap the engine: a flush's rows are written (on the store's worker thread) while the next
    // batches are applied. A flush starts only once the write before it has finished (emit settles first),
    // so the engine's own change set serves every flush; an emit waits for a write in flight only when a
    // bound forces it (see maybeFlush).
    let writing: Promise<void> = Promise.resolve();
    /**
     * Flush + write time of the last emit. While a source has a backlog (a replay, a broker behind), emits
     * are spaced at least twice that, so writing stays a fraction of the work; once it is caught up, at
     * least that (a write in flight is always awaited first), so views stay fresh.
     */
    let lastEmitCost = 0;
    let writeError: unknown = null;
    /** A write is in flight: a due emit or checkpoint waits for it (see maybeFlush) rather than blocking. */
    let inFlight = false;
    const settle = async (): Promise<void> => {
      await writing;
      if (writeError) throw writeError;
    };
    const emit = async (): Promise<void> => {
      await settle();
      const now = performance.now();
      rate = ((engine.counters.events_in - emittedIn) * 1000) / Math.max(1, now - lastEmit);
      emittedIn = engine.counters.events_in;
      lastEmit = now;
      const f0 = performance.now();
      const changes = engine.flush();
      if (o.onChanges) o.onChanges(changes, counters());
      const f1 = performance.now();
      timings.flush += f1 - f0;
      const published = pendingPublished;
      pendingPublished = [];
      inFlight = true;
      writing = store!
        .write(changes, engine.dicts, {
          counters: counters(),
          meta: { source: id, position: JSON.stringify(position), mood_tag_share: String(o.config.profiles.moodTagShare), config: JSON.stringify(o.config), updated_at: new Date().toISOString() },
        })
        .then(
          () => {
            inFlight = false;
            emits++;
            const done = performance.now();
            timings.write += done - f1;
            lastEmitCost = done - f0;
            if (published.length) {
              const at = Date.now();
              o.onEmit?.({ at, latenciesMs: published.map((p) => at - p.at) });
            }
          },
          (err: unknown) => {
            inFlight = false;
            writeError = err;
          },
        );
    };

    /** What the last checkpoint covered: an idle engine (a server with no new listens) skips the next. */
    let ckptAt: { events: number; position: string } | null = null;
    const checkpoint = async (force = false): Promise<void> => {
      const here = { events: engine.counters.events_in, position: JSON.stringify(position) };
      if (!force && ckptAt && ckptAt.events === here.events && ckptAt.position === here.position) {
        lastCkpt = performance.now();
        return;
      }
      await emit();
      await settle();
      ckptAt = here;
      const c0 = performance.now();
      checkpointBytes = await writeCheckpoint(ckptPath, { sourceId: id, position, config: o.config }, engine.snapshot());
      checkpoints++;
      lastCkpt = performance.now();
      timings.checkpoint += lastCkpt - c0;
      if (position) await source.ack(position);
      await store!.release();
    };

    const progress = (force = false): void => {
      if (!o.onProgress) return;
      const now = performance.now();
      if (!force && now - lastProgress < (o.progressEveryMs ?? 500)) return;
      lastProgress = now;
      const c = counters();
      o.onProgress({ counters: c, eventsPerSecond: c['events_per_second_run']!, watermark: engine.watermark, maxEventTime: engine.maxEventTime, lag: source.status().lag, checkpoints, resumed });
    };

    /**
     * Emits or checkpoints when due; never checkpoints inside a batch (its position is not reached yet).
     * While the last flush is still being written, a due emit or checkpoint waits for the next batch after
     * it, and the engine goes on applying meanwhile (on a backlog, waiting here was a third of the run);
     * only bounds force a wait: `emitEvents` listens since the last emit (what a flush holds), a broker
     * whose unacknowledged messages reach half its limit, or a checkpoint overdue by a whole interval at a
     * batch's end. Without that last bound a paced run whose writes outlast the emit interval checkpointed
     * almost never: each write ended mid-batch, where the next emit began at once.
     */
    const maybeFlush = async (batchDone: boolean): Promise<void> => {
      const now = performance.now();
      const st = source.status();
      const ackBound = st.unacked !== undefined && st.maxUnacked !== undefined && st.unacked >= st.maxUnacked / 2;
      const sizeBound = engine.counters.events_in - emittedIn >= emitEvents;
      const ckptOverdue = batchDone && now - lastCkpt >= 2 * ckptEvery;
      if (inFlight && !ackBound && !sizeBound && !ckptOverdue) {
        progress();
        return;
      }
      if (batchDone && (now - lastCkpt >= ckptEvery || ackBound)) await checkpoint();
      else if (now - lastEmit >= Math.max(emitEvery, (st.lag !== null && st.lag < 100 ? 1 : 2) * lastEmitCost) || sizeBound) await emit();
      progress();
    };

    // Pacing: event time runs `speed` times faster than the wall clock from the first listen on.
    let ts0 = NaN;
    let wall0 = 0;
    const apply = (b: ListenBatch, rejected: number, duplicates: number) => {
      const a0 = performance.now();
      engine.apply(b, rejected, duplicates);
      timings.apply += performance.now() - a0;
    };
    let waitFrom = performance.now();
    let lastBatchAt = 0;

    try {
      for await (const batch of source) {
        timings.source += performance.now() - waitFrom;
        const b = batch.listens;
        if (speed === 'max' || b.n === 0) apply(b, batch.rejected, batch.duplicates ?? 0);
        else {
          if (Number.isNaN(ts0)) {
            ts0 = b.ts[0]!;
            wall0 = performance.now();
          }
          let i = 0;
          let extra = { rejected: batch.rejected, duplicates: batch.duplicates ?? 0 };
          while (i < b.n) {
            const due = ts0 + (performance.now() - wall0) * speed;
            let j = i;
            while (j < b.n && b.ts[j]! <= due) j++;
            if (j > i) {
              apply(sliceBatch(b, i, j), extra.rejected, extra.duplicates);
              extra = { rejected: 0, duplicates: 0 };
              i = j;
            }
            if (i < b.n) {
              await sleep(Math.max(5, Math.min(emitEvery / 2, (b.ts[i]! - due) / speed)));
              await maybeFlush(false);
            }
          }
          if (extra.rejected || extra.duplicates) apply(sliceBatch(b, 0, 0), extra.rejected, extra.duplicates);
        }
        position = batch.position;
        if (b.n > 0) lastBatchAt = Date.now();
        if (batch.published) pendingPublished.push(...batch.published);
        await maybeFlush(true);
        waitFrom = performance.now();
      }
    } catch (err) {
      await source.close().catch(() => undefined);
      await writing;
      throw err;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
    await checkpoint(true);
    const problems = source.problems?.() ?? [];
    await source.close();
    progress(true);
    const c = counters();
    return {
      counters: c,
      eventsPerSecond: c['events_per_second_run']!,
      watermark: engine.watermark,
      maxEventTime: engine.maxEventTime,
      lag: null,
      checkpoints,
      resumed,
      seconds: (performance.now() - t0) / 1000,
      position,
      checkpointBytes,
      emits,
      lastBatchAt,
      stateStats: engine.stats(),
      timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v) / 1000])) as RunResult['timings'],
      problems,
    };
  } finally {
    await store?.close();
    await release();
  }
}
