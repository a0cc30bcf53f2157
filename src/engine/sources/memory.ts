// Batches already in memory as a source (benchmarks and tests): the position is the number of listens
// handed out. The batches' ids must be those of `dicts`, which is loaded into the engine's dictionaries.
import type { Dicts } from '../dict.js';
import type { ListenBatch, SourceBatch, StreamSource } from '../types.js';
import type { OpenContext } from './index.js';

export function memorySource(id: string, batches: readonly ListenBatch[], dicts: Dicts): (c: OpenContext) => Promise<StreamSource> {
  return async (c) => {
    c.dicts.load(dicts.toJSON());
    const skip = c.from?.kind === 'file' ? c.from.row : 0;
    let stopped = false;
    let resolveClosed!: () => void;
    const closedP = new Promise<void>((r) => (resolveClosed = r));
    async function* run(): AsyncGenerator<SourceBatch> {
      let row = 0;
      for (const b of batches) {
        if (stopped) break;
        row += b.n;
        if (row <= skip) continue;
        yield { listens: b, position: { kind: 'file', row }, rejected: 0 };
      }
      resolveClosed();
    }
    const it = run();
    return {
      id,
      defaultSpeed: 'max',
      [Symbol.asyncIterator]: () => it,
      async ack() {},
      stop() {
        stopped = true;
      },
      async close() {
        stopped = true;
        resolveClosed();
      },
      closed: () => closedP,
      status: () => ({ lag: null }),
    };
  };
}
