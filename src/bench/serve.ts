// Benchmarks of `earshot serve` (issue 5), with autocannon on loopback against the server in its own
// process (bin/earshot.js serve, as a user runs it), on a generated world:
//  - serve-bulk: POST /v1/listens with 1,000-listen NDJSON batches, every listen new; listens/s
//    acknowledged (durable: in the ingest file's committed transaction);
//  - serve-submit: POST /1/submit-listens, one listen per request, every listen new; requests/s (started
//    once the engine has read the bulk phase's listens, the flusher has moved them into Parquet and the
//    month they filled has been compacted, so the two phases do not share that catch-up);
//  - serve-reads: GET a profile and GET trending, first at full speed (peak), then at half the peak rate
//    for the p99 latency.
// The core count is recorded with every figure: the load generator and the server share them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { generateWorld } from '../generate/index.js';
import { runImport } from '../import/run.js';
import { addUser } from '../serve/users.js';
import type { BenchEntry } from './results.js';

interface Ctx {
  readonly rows: number;
  readonly tmp: string;
  readonly log: (s: string) => void;
}

const COMMAND = 'npm run bench -- serve';
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [resolve('bin/earshot.js'), 'serve', '--data', dataDir, '--port', String(port), '--rate-limit', '0', '--log-level', 'warn', '--flush-every', '5'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((res, rej) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('serving ')) res(child);
    });
    child.on('exit', (c) => rej(new Error(`earshot serve exited with ${c}: ${err}`)));
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/**
 * Waits (up to 2 min) until the engine has read every acknowledged listen, the flusher has moved them into
 * Parquet and no month waits for compaction (a flush of over a million listens leaves its month in file
 * order, and sorting it takes both cores for seconds); seconds waited.
 */
async function settle(url: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < 600; i++) {
    const h = (await (await fetch(`${url}/healthz`)).json()) as { ingest_seq: number; engine_seq: number };
    const moved = (await metric(url, 'earshot_lake_flushed_total')) >= (await metric(url, 'earshot_ingest_accepted_total'));
    const compacted = (await metric(url, 'earshot_lake_months_to_compact')) === 0;
    if (h.engine_seq >= h.ingest_seq && moved && compacted) break;
    await sleep(200);
  }
  return (performance.now() - t0) / 1000;
}

type Result = autocannon.Result;
function cannon(o: autocannon.Options): Promise<Result> {
  return new Promise((res, rej) => {
    autocannon(o, (err, r) => (err ? rej(err) : res(r)));
  });
}

export async function benchServe(ctx: Ctx): Promise<BenchEntry[]> {
  const dir = join(ctx.tmp, `serve-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const data = join(dir, 'data');
  const cores = cpus().length;
  ctx.log('generating and importing a 200k-listen world (2,000 users) to read from');
  await generateWorld({ out: join(dir, 'world'), users: 2000, tracks: 5000, events: 200_000, days: 30, seed: 11, format: 'seed-csv', dirty: 0 });
  await runImport({ inputs: [join(dir, 'world')], dataDir: data });
  const admin = (await addUser(data, 'admin', true)).token;
  const reader = (await addUser(data, 'user_7', false)).token;
  const port = 18_000 + (process.pid % 2000);
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer(data, port);
  const entries: BenchEntry[] = [];
  const at = new Date().toISOString();
  try {
    for (let i = 0; i < 100; i++) {
      const h = (await (await fetch(`${url}/healthz`)).json()) as { engine: string };
      if (h.engine === 'live') break;
      await sleep(200);
    }

    // Bulk: pre-built bodies, each listen unique (user, time, track).
    const BODIES = 4000;
    ctx.log(`building ${BODIES.toLocaleString('en-US')} bodies of 1,000 listens`);
    const base = Date.UTC(2026, 5, 1);
    const bodies: string[] = [];
    for (let b = 0; b < BODIES; b++) {
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const n = b * 1000 + i;
        lines.push(`{"user_id":"bulk_${n % 5000}","listened_at":${base + n * 1000},"track_name":"Track ${n % 9973}","artist_name":"Artist ${n % 997}","ms_played":${60000 + (n % 180000)}}`);
      }
      bodies.push(lines.join('\n') + '\n');
    }
    let next = 0;
    const acc0 = await metric(url, 'earshot_ingest_accepted_total');
    ctx.log('serve-bulk: 10 s of 1,000-listen NDJSON batches, 32 connections');
    const bulk = await cannon({
      url,
      connections: 32,
      duration: 10,
      requests: [
        {
          method: 'POST',
          path: '/v1/listens',
          headers: { Authorization: `Token ${admin}`, 'Content-Type': 'application/x-ndjson' },
          setupRequest: (req) => ({ ...req, body: bodies[next++ % BODIES]! }),
        },
      ],
    });
    const accepted = (await metric(url, 'earshot_ingest_accepted_total')) - acc0;
    const bulkRate = accepted / bulk.duration;
    if (next > BODIES) ctx.log(`note: ${next} requests cycled through ${BODIES} bodies; repeats count as duplicates, not as accepted`);
    entries.push({
      name: 'serve-bulk',
      description: 'POST /v1/listens, 1,000-listen NDJSON batches of new listens, 32 connections, 10 s; listens acknowledged (durable) per second',
      figures: { listens_per_second: Math.round(bulkRate), requests: bulk.requests.total, non_2xx: bulk.non2xx, p50_ms: bulk.latency.p50, p99_ms: bulk.latency.p99, cores, loadavg: loadavg().map((x) => round(x, 2)).join(' ') },
      target: '>= 200,000 listens/s durable',
      pass: bulkRate >= 200_000 && bulk.non2xx === 0,
      command: COMMAND,
      at,
    });

    // Single-listen ListenBrainz submissions, each new, on a settled server: the engine has read the bulk
    // phase's listens and the flusher has moved them into Parquet (catching up on a million listens would
    // otherwise share the two cores with this phase).
    const settled = await settle(url);
    ctx.log(`the server settled after the bulk phase in ${settled.toFixed(1)} s`);
    let k = 0;
    const t0 = Math.floor(Date.UTC(2026, 6, 1) / 1000);
    ctx.log('serve-submit: 10 s of single-listen submit-listens, 256 connections (many clients, one listen each)');
    const single = await cannon({
      url,
      connections: 256,
      duration: 10,
      requests: [
        {
          method: 'POST',
          path: '/1/submit-listens',
          headers: { Authorization: `Token ${admin}`, 'Content-Type': 'application/json' },
          setupRequest: (req) => {
            const n = k++;
            return { ...req, body: `{"listen_type":"single","payload":[{"listened_at":${t0 + n},"track_metadata":{"artist_name":"Artist ${n % 997}","track_name":"Song ${n % 7919}"}}]}` };
          },
        },
      ],
    });
    const rps = single['2xx'] / single.duration;
    entries.push({
      name: 'serve-submit',
      description: 'POST /1/submit-listens with one new listen per request, 256 connections, 10 s, once the server has settled after the bulk phase (engine caught up, listens moved into Parquet, their month compacted)',
      figures: { requests_per_second: Math.round(rps), non_2xx: single.non2xx, p50_ms: single.latency.p50, p99_ms: single.latency.p99, cores },
      target: '>= 10,000 requests/s',
      pass: rps >= 10_000 && single.non2xx === 0,
      command: COMMAND,
      at,
    });

    // Reads on a settled server: the engine has read every acknowledged listen and a flush has run.
    await settle(url);
    await sleep(12_000);
    // Reads: peak, then half the peak rate for latency.
    for (const [name, path, token] of [
      ['profile', '/v1/users/user_7/profile', reader],
      ['trending', '/v1/live/state', admin],
    ] as const) {
      const headers = { Authorization: `Token ${token}` };
      const peak = await cannon({ url: url + path, connections: 16, duration: 5, headers });
      const peakRps = peak['2xx'] / peak.duration;
      const half = Math.max(1, Math.floor(peakRps / 2));
      ctx.log(`serve-read-${name}: peak ${Math.round(peakRps)} req/s; now 10 s at ${half} req/s`);
      const paced = await cannon({ url: url + path, connections: 16, duration: 10, overallRate: half, headers });
      entries.push({
        name: `serve-read-${name}`,
        description: `GET ${path}: peak requests/s (16 connections, 5 s), then p99 latency at half that rate (10 s)`,
        figures: { peak_requests_per_second: Math.round(peakRps), paced_rate: half, p50_ms: paced.latency.p50, p99_ms: paced.latency.p99, non_2xx: peak.non2xx + paced.non2xx, cores },
        target: 'p99 <= 20 ms at half the peak rate',
        pass: paced.latency.p99 <= 20 && peak.non2xx + paced.non2xx === 0,
        command: COMMAND,
        at,
      });
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }
  return entries;
}
