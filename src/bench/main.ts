// `npm run bench [-- NAME...] [--rows N]`: runs the benchmarks and merges their figures into
// bench/results.json. Every speed or memory figure the project quotes comes from here.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { benchImport } from './import.js';
import { benchReports } from './reports.js';
import { benchStream } from './stream.js';
import { benchServe } from './serve.js';
import { benchDashboard } from './dashboard.js';
import { benchMl } from './ml.js';
import { writeResults, type BenchEntry } from './results.js';

const SUITES: Record<string, (ctx: { rows: number; tmp: string; log: (s: string) => void }) => Promise<BenchEntry[]>> = {
  import: async (ctx) => (await benchImport(ctx)).entries,
  reports: benchReports,
  stream: benchStream,
  serve: benchServe,
  dashboard: benchDashboard,
  ml: benchMl,
};

function parseArgs(argv: string[]): { names: string[]; rows: number } {
  const names: string[] = [];
  let rows = Number(process.env['BENCH_ROWS'] ?? 10_000_000);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rows') rows = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(`usage: npm run bench [-- NAME...] [--rows N]\nsuites: ${Object.keys(SUITES).join(', ')}\nwrites bench/results.json`);
      process.exit(0);
    } else names.push(a);
  }
  for (const n of names) if (!SUITES[n]) throw new Error(`unknown benchmark "${n}"; suites: ${Object.keys(SUITES).join(', ')}`);
  return { names: names.length ? names : Object.keys(SUITES), rows };
}

const { names, rows } = parseArgs(process.argv.slice(2));
const tmp = resolve('bench/tmp');
await mkdir(tmp, { recursive: true });
const out = resolve('bench/results.json');
for (const n of names) {
  console.log(`\n== ${n} (${rows.toLocaleString('en-US')} rows) ==`);
  const entries = await SUITES[n]!({ rows, tmp, log: (s) => console.log(s) });
  writeResults(out, entries);
  for (const e of entries) console.log(e.target === undefined ? `INFO ${e.name}: ${JSON.stringify(e.figures)} (no target: reported for reference)` : `${e.pass ? 'PASS' : 'MISS'} ${e.name}: ${JSON.stringify(e.figures)} (target ${e.target})`);
}
console.log(`\nresults: ${out}`);
