// Benchmarks of the stream engine (issue 4), each task in its own process (src/bench/stream-child.ts):
//  - stream-replay: N generated listens (200k users for 10M), pre-built in memory, through every live view
//    into the view store, with checkpoints; also the engine alone and a replay of the same world's lake;
//  - stream-jetstream: publish and consume through NATS JetStream at the same time, all views;
//  - stream-latency: publish at 50k listens/s and measure publish -> view-update (stored) per message.
// The machine's load average is recorded with every figure: other work on the machine slows these down.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { generateWorld } from '../generate/index.js';
import { runImport } from '../import/run.js';
import { connectNats, parseNatsUrl } from '../engine/sources/nats/connect.js';
import type { BenchEntry } from './results.js';
import { worldOptions } from './stream-world.js';

interface Ctx {
  readonly rows: number;
  readonly tmp: string;
  readonly log: (s: string) => void;
}

interface ChildOut {
  seconds: number;
  maxRssMb: number;
  loadavg: number[];
  result: Record<string, unknown>;
}

const HERE = fileURLToPath(import.meta.url);
/** The child script: compiled beside this file, or the TypeScript source when run through tsx. */
const CHILD = HERE.endsWith('.ts') ? [`--import=${import.meta.resolve('tsx')}`, join(dirname(HERE), 'stream-child.ts')] : [join(dirname(HERE), 'stream-child.js')];
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => loadavg().map((x) => round(x, 2)).join(' ');

/** Runs a child task; `onReady` is called when it prints READY (it then waits for a line on stdin). */
function child(args: string[], onReady?: (go: () => void) => void): Promise<ChildOut> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--max-old-space-size=4096', ...CHILD, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let last = '';
    createInterface({ input: p.stdout }).on('line', (l) => {
      if (l === 'READY' && onReady) onReady(() => p.stdin.write('go\n'));
      else if (l.trim()) last = l;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`stream bench task ${args[0]} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as ChildOut);
      } catch (err) {
        reject(err);
      }
    });
  });
}

async function natsReachable(url: string): Promise<boolean> {
  try {
    const { nc } = await connectNats(parseNatsUrl(url), 'earshot-bench-probe');
    await nc.close();
    return true;
  } catch {
    return false;
  }
}

async function dropStream(url: string): Promise<void> {
  const t = parseNatsUrl(url);
  const { nc, jsm } = await connectNats(t, 'earshot-bench-cleanup');
  await jsm.streams.delete(t.stream).catch(() => undefined);
  await nc.close();
}

export async function benchStream(ctx: Ctx): Promise<BenchEntry[]> {
  const n = ctx.rows;
  const at = new Date().toISOString();
  const entries: BenchEntry[] = [];
  const w = worldOptions(n);
  const command = `npm run bench -- stream --rows ${n}`;

  ctx.log(`engine alone: ${n.toLocaleString('en-US')} generated listens (${w.users.toLocaleString('en-US')} users) through every view, no store … (load ${load()})`);
  const core = await child(['core', String(n)]);
  ctx.log(`  ${Number(core.result['listens_per_second']).toLocaleString('en-US')} listens/s, peak ${core.maxRssMb} MB`);
  const data = join(ctx.tmp, `stream-views-${n}`);
  await rm(data, { recursive: true, force: true });
  ctx.log(`replay into the view store with checkpoints … (load ${load()})`);
  const eng = await child(['engine', String(n), data]);
  const rate = Number(eng.result['listens_per_second']);
  ctx.log(`  ${rate.toLocaleString('en-US')} listens/s, peak ${eng.maxRssMb} MB (input ${eng.result['input_mb']} MB), timings ${JSON.stringify(eng.result['timings'])}`);
  const state = eng.result['state'] as Record<string, { bytes: number; keys: number }>;
  const users = Number(eng.result['users']);
  entries.push({
    name: 'stream-replay',
    description: `in-process replay of ${n.toLocaleString('en-US')} generated listens (${users.toLocaleString('en-US')} users, 50,000 tracks, 30 days; pre-built in memory as columnar batches) through every live view (trending, action_counts, active_users, user_profiles, sessions, late_listens, counters) into DATA/views.duckdb, with checkpoints; plus the engine alone (no store) in its own process`,
    figures: {
      listens: Number(eng.result['listens']),
      users,
      seconds: round(Number(eng.result['seconds'])),
      listens_per_second: rate,
      peak_rss_mb: eng.maxRssMb,
      input_batches_mb: Number(eng.result['input_mb']),
      profile_state_bytes_per_user: round(state['user_profiles']!.bytes / Math.max(1, users), 1),
      session_state_bytes_per_user: round(state['sessions']!.bytes / Math.max(1, users), 1),
      checkpoint_mb: Number(eng.result['checkpoint_mb']),
      timings_s: JSON.stringify(eng.result['timings']),
      engine_only_listens_per_second: Number(core.result['listens_per_second']),
      engine_only_peak_rss_mb: core.maxRssMb,
      load_average: eng.loadavg.map((x) => round(x, 2)).join(' '),
    },
    target: '≥ 1,000,000 listens/s; peak memory < 1.5 GB for 200k users',
    pass: rate >= 1_000_000 && eng.maxRssMb < 1536,
    command,
    at,
  });

  // The same world as a lake: generated once as Parquet, imported, cached between runs.
  const lake = join(ctx.tmp, `stream-lake-${n}`);
  if (!existsSync(join(lake, '.complete'))) {
    ctx.log(`building a ${n.toLocaleString('en-US')}-listen lake for the replay (cached in ${lake}) …`);
    await rm(lake, { recursive: true, force: true });
    const world = join(ctx.tmp, `stream-world-${n}`);
    await generateWorld({ out: world, ...w, format: 'parquet', dirty: 0 });
    await runImport({ inputs: [world], dataDir: lake });
    await rm(world, { recursive: true, force: true });
    await writeFile(join(lake, '.complete'), '');
  }
  ctx.log(`lake replay … (load ${load()})`);
  const lk = await child(['lake', lake]);
  ctx.log(`  ${Number(lk.result['listens_per_second']).toLocaleString('en-US')} listens/s, peak ${lk.maxRssMb} MB, timings ${JSON.stringify(lk.result['timings'])}`);
  entries.push({
    name: 'stream-lake-replay',
    description: `earshot stream --source lake --until-idle over the same world imported as a lake (${n.toLocaleString('en-US')} listens): read in event-time order from Parquet, every view, view store, checkpoints`,
    figures: {
      listens: Number(lk.result['listens']),
      seconds: round(Number(lk.result['seconds'])),
      listens_per_second: Number(lk.result['listens_per_second']),
      peak_rss_mb: lk.maxRssMb,
      timings_s: JSON.stringify(lk.result['timings']),
      load_average: lk.loadavg.map((x) => round(x, 2)).join(' '),
    },
    command,
    at,
  });

  const url = `nats://${process.env['EARSHOT_NATS'] ?? '127.0.0.1:4222'}/BENCH${randomBytes(4).toString('hex').toUpperCase()}`;
  if (!(await natsReachable(url))) {
    ctx.log(`NATS not reachable at ${url}: JetStream benchmarks skipped (start nats-server -js)`);
    return entries;
  }
  // End to end: publisher and consumer run at the same time, in two processes.
  const e2eN = Math.min(n, 2_000_000);
  ctx.log(`JetStream end to end: ${e2eN.toLocaleString('en-US')} listens published (1,000 per message) and consumed at once … (load ${load()})`);
  try {
    const consumerData = join(ctx.tmp, 'stream-e2e');
    await rm(consumerData, { recursive: true, force: true });
    let consumer: Promise<ChildOut> | null = null;
    const pub = await child(['publish', url, String(e2eN), '0', '1000'], (go) => {
      consumer = child(['consume', consumerData, url, String(e2eN), '1000']);
      setTimeout(go, 3000);
    });
    const con = await consumer!;
    const span = (Number(con.result['lastBatchAt']) - Number(pub.result['startAt'])) / 1000;
    const e2e = Math.round(e2eN / span);
    ctx.log(`  ${e2e.toLocaleString('en-US')} listens/s end to end (publish alone ${Number(pub.result['listensPerSecond']).toLocaleString('en-US')}/s), consumer peak ${con.maxRssMb} MB`);
    entries.push({
      name: 'stream-jetstream',
      description: `end to end through NATS JetStream: ${e2eN.toLocaleString('en-US')} generated listens published by one process (1,000 listens per message, 256 publishes in flight) while another consumes them (durable pull consumer) through every view into the view store; from the first publish to the last listen applied`,
      figures: {
        listens: e2eN,
        seconds: round(span),
        listens_per_second: e2e,
        publish_listens_per_second: Number(pub.result['listensPerSecond']),
        consumer_peak_rss_mb: con.maxRssMb,
        publisher_peak_rss_mb: pub.maxRssMb,
        consumer_timings_s: JSON.stringify(con.result['timings']),
        load_average: con.loadavg.map((x) => round(x, 2)).join(' '),
      },
      target: '≥ 200,000 listens/s sustained',
      pass: e2e >= 200_000,
      command,
      at,
    });
  } finally {
    await dropStream(url).catch(() => undefined);
  }

  // Latency at a steady 50k listens/s for 20 s: publish -> the view write that includes the message.
  const latUrl = url.replace(/BENCH/, 'BENCHLAT');
  const latN = 1_000_000;
  ctx.log(`JetStream latency: ${latN.toLocaleString('en-US')} live listens at 50,000/s (100 per message), views written every 100 ms … (load ${load()})`);
  try {
    const consumerData = join(ctx.tmp, 'stream-latency');
    await rm(consumerData, { recursive: true, force: true });
    let consumer: Promise<ChildOut> | null = null;
    await child(['publish', latUrl, String(latN), '50000', '100', 'live'], (go) => {
      consumer = child(['consume', consumerData, latUrl, String(latN), '100']);
      setTimeout(go, 3000);
    });
    const con = await consumer!;
    const lat = con.result['latency_ms'] as { p50: number; p90: number; p99: number; max: number; messages: number };
    ctx.log(`  p50 ${lat.p50} ms, p99 ${lat.p99} ms over ${lat.messages} messages`);
    entries.push({
      name: 'stream-latency',
      description: `publish -> view update through JetStream at a steady 50,000 listens/s for 20 s (100 listens per message), a live feed (each generated listen stamped with its publish time, so event time runs with the clock): per message, from the publish call to the commit of the view write that includes it (views written every 100 ms)`,
      figures: { listens: latN, rate: 50_000, p50_ms: lat.p50, p90_ms: lat.p90, p99_ms: lat.p99, max_ms: lat.max, messages: lat.messages, load_average: con.loadavg.map((x) => round(x, 2)).join(' ') },
      target: 'p50 and p99 reported (bounded: 20 s at 50k listens/s)',
      pass: lat.messages > 0,
      command,
      at,
    });
  } finally {
    await dropStream(latUrl).catch(() => undefined);
  }
  return entries;
}
