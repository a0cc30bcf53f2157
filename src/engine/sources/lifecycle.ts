// The lifecycle every pull source shares, written once: its batches are iterated once; stop() ends the
// iteration at the next batch; close() ends it too and releases the source's resources (itself when
// the iteration never started, since a generator's `finally` only runs once it has); closed()
// resolves after the release, however the source ended.
import type { SourceBatch, StreamSource } from '../types.js';

type Own = Omit<StreamSource, typeof Symbol.asyncIterator | 'stop' | 'close' | 'closed'>;

/**
 * Builds a StreamSource from `run` (the batches; it polls `stopped()` between them) and `release`
 * (what to free once iteration ends or the source is closed). `own` carries the rest: id, speed, ack,
 * status and any extra fields.
 */
export function pullSource<T extends Own>(
  run: (stopped: () => boolean) => AsyncGenerator<SourceBatch>,
  release: () => void | Promise<void>,
  own: T,
): StreamSource & T {
  let stopped = false;
  let started = false;
  let resolveClosed!: () => void;
  const closedP = new Promise<void>((r) => (resolveClosed = r));
  async function* iterate(): AsyncGenerator<SourceBatch> {
    try {
      yield* run(() => stopped);
    } finally {
      await release();
      resolveClosed();
    }
  }
  const it = iterate();
  return {
    ...own,
    [Symbol.asyncIterator]: () => {
      started = true;
      return it;
    },
    stop() {
      stopped = true;
    },
    async close() {
      stopped = true;
      if (started) await it.return(undefined);
      else {
        await release();
        resolveClosed();
      }
    },
    closed: () => closedP,
  };
}
