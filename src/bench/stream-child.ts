// One measured stream-engine task per process (so peak memory is the task's own), printing
// {seconds, maxRssMb, result} as the last stdout line. Tasks:
//   engine N DATA       N generated listens, pre-built in memory, through every view into DATA's view store
//   core N              the same listens through the engine alone (no store): the engine's own speed
//   lake DATA           a replay of DATA's lake through every view
//   publish URL N RATE BATCH [live]   pre-generates N listens, prints READY, waits for a line on stdin,
//                              publishes (live: each listen stamped with its publish time)
//   consume DATA URL N EMITMS  consumes until N listens are applied; publish->view latencies per message
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { DEFAULT_CONFIG } from '../engine/config.js';
import { Dicts } from '../engine/dict.js';
import { Engine } from '../engine/engine.js';
import { runStream, type RunResult } from '../engine/runner.js';
import { openGeneratorSource } from '../engine/sources/generator.js';
import { memorySource } from '../engine/sources/memory.js';
import { connectNats, ensureStream, parseNatsUrl } from '../engine/sources/nats/connect.js';
import { publishFrom } from '../engine/sources/nats/publish.js';
import type { ListenBatch, StreamSource } from '../engine/types.js';
import { worldOptions } from './stream-world.js';


async function generate(n: number): Promise<{ batches: ListenBatch[]; dicts: Dicts; seconds: number; bytes: number }> {
  const t0 = performance.now();
  const dicts = new Dicts();
  const src = await openGeneratorSource({ options: worldOptions(n), dicts, from: null, batchRows: 65_536 });
  const batches: ListenBatch[] = [];
  let bytes = 0;
  for await (const b of src) {
    batches.push(b.listens);
    bytes += b.listens.n * 25;
  }
  return { batches, dicts, seconds: (performance.now() - t0) / 1000, bytes };
}

const summary = (r: RunResult) => ({
  listens: r.counters['accepted'],
  seconds: r.seconds,
  listens_per_second: Math.round((r.counters['accepted'] ?? 0) / r.seconds),
  timings: r.timings,
  emits: r.emits,
  checkpoints: r.checkpoints,
  checkpoint_mb: Math.round(r.checkpointBytes / 1e5) / 10,
  state: r.stateStats,
});

async function task(kind: string, args: string[]): Promise<{ seconds: number; result: unknown }> {
  switch (kind) {
    case 'engine': {
      const n = Number(args[0]);
      const g = await generate(n);
      const t0 = performance.now();
      const r = await runStream({ dataDir: args[1]!, source: { kind: 'custom', id: `bench:${n}`, open: memorySource(`bench:${n}`, g.batches, g.dicts) }, config: DEFAULT_CONFIG, untilIdle: true, fresh: true });
      return { seconds: (performance.now() - t0) / 1000, result: { ...summary(r), users: g.dicts.users.size, generate_seconds: g.seconds, input_mb: Math.round(g.bytes / 1e6) } };
    }
    case 'core': {
      const n = Number(args[0]);
      const g = await generate(n);
      const e = new Engine(DEFAULT_CONFIG);
      e.dicts.load(g.dicts.toJSON());
      const t0 = performance.now();
      let last = t0;
      let rows = 0;
      for (const b of g.batches) {
        e.apply(b);
        if (performance.now() - last > 1000) {
          rows += e.flush().size;
          last = performance.now();
        }
      }
      rows += e.flush().size;
      const seconds = (performance.now() - t0) / 1000;
      return { seconds, result: { listens: n, seconds, listens_per_second: Math.round(n / seconds), rows, users: g.dicts.users.size, state: e.stats(), input_mb: Math.round(g.bytes / 1e6) } };
    }
    case 'lake': {
      const t0 = performance.now();
      const r = await runStream({ dataDir: args[0]!, source: { kind: 'lake' }, config: DEFAULT_CONFIG, untilIdle: true, fresh: true });
      return { seconds: (performance.now() - t0) / 1000, result: summary(r) };
    }
    case 'publish': {
      const [url, n, rate, batch, live] = [args[0]!, Number(args[1]), Number(args[2]), Number(args[3]), args[4] === 'live'];
      const g = await generate(n);
      // The stream exists before the consumer starts (a consumer refuses a stream that does not).
      const t = parseNatsUrl(url);
      const { nc, jsm } = await connectNats(t, 'earshot-bench-setup');
      await ensureStream(jsm, t);
      await nc.close();
      console.log('READY');
      await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
      const startAt = Date.now();
      const t0 = performance.now();
      let i = 0;
      const source: StreamSource = {
        id: 'bench',
        defaultSpeed: 'max',
        [Symbol.asyncIterator]: async function* () {
          for (; i < g.batches.length; i++) yield { listens: g.batches[i]!, position: { kind: 'file', row: 0 }, rejected: 0 };
        },
        ack: async () => {},
        stop: () => {},
        close: async () => {},
        closed: async () => {},
        status: () => ({ lag: null }),
      };
      const s = await publishFrom(source, g.dicts, { target: parseNatsUrl(url), batch, ...(rate > 0 ? { rate } : {}), inputId: `bench-${startAt}`, inflight: 256, retime: live });
      return { seconds: (performance.now() - t0) / 1000, result: { ...s, startAt } };
    }
    case 'consume': {
      const [data, url, n, emitMs] = [args[0]!, args[1]!, Number(args[2]), Number(args[3])];
      const ac = new AbortController();
      const lat: number[] = [];
      const t0 = performance.now();
      const r = await runStream({
        dataDir: data, source: { kind: 'nats', target: parseNatsUrl(url), consumer: 'bench' }, config: DEFAULT_CONFIG, fresh: true, emitEveryMs: emitMs, signal: ac.signal,
        progressEveryMs: 0, onProgress: (p) => (p.counters['events_in']! >= n ? ac.abort() : undefined),
        onEmit: (e) => lat.push(...e.latenciesMs),
      });
      lat.sort((a, b) => a - b);
      const q = (x: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(x * lat.length))]! : null);
      return { seconds: (performance.now() - t0) / 1000, result: { ...summary(r), lastBatchAt: r.lastBatchAt, latency_ms: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: lat.at(-1) ?? null, messages: lat.length } } };
    }
    default:
      throw new Error(`unknown stream bench task ${kind}`);
  }
}

const [kind, ...args] = process.argv.slice(2);
const out = await task(kind!, args);
console.log(JSON.stringify({ seconds: out.seconds, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), loadavg: loadavg(), result: out.result }));
process.exit(0);
