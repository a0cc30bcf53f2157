// Benchmarks of issue 3: the seed-insights group end to end on a generated seed-csv world (CSV import
// included), against pandas doing the same seven tasks on the same files in the same run, and the
// whole report suite over the imported lake. Time and peak memory of each, every task in its own process.
import { spawn, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './import.js';
import { seedWorld } from './import.js';
import { loadRegistry, selectReports } from '../reports/registry.js';
import type { BenchEntry } from './results.js';
import { runNode, type ChildFigures } from './run-child.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'reports-child.js');
/** The seed-insights reports (the built-in manifest's group), each a CSV from both implementations. */
const SEVEN = selectReports(loadRegistry(), [], 'seed-insights').map((r) => r.name);
const PANDAS = resolve('bench/pandas_seed_insights.py');

/** Runs a command that prints {seconds, maxRssMb, result} as its last line (like runNode, any program). */
function runCommand(cmd: string, args: readonly string[]): Promise<ChildFigures> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', fail);
    p.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}`));
      const last = out.trim().split('\n').pop() ?? '{}';
      ok({ ...(JSON.parse(last) as Omit<ChildFigures, 'wallSeconds'>), wallSeconds: (performance.now() - t0) / 1000 });
    });
  });
}

/** A Python that can import pandas: $PYTHON, else python3 on the PATH, else Debian's /usr/bin/python3 (python3-pandas). */
function pandasPython(): string | null {
  const candidates = [process.env['PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((py) => spawnSync(py, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0) ?? null;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export async function benchReports(ctx: BenchContext): Promise<BenchEntry[]> {
  const world = await seedWorld(ctx);
  const logs = join(world, 'listening_logs.csv');
  const songs = join(world, 'songs_metadata.csv');
  const data = join(ctx.tmp, `reports-data-${ctx.rows}`);
  const out = join(ctx.tmp, `reports-out-${ctx.rows}`);
  await rm(data, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
  const at = new Date().toISOString();
  const command = `npm run bench -- reports --rows ${ctx.rows}`;

  ctx.log('earshot: import the CSV pair + report run --group seed-insights --out …');
  const e = await runNode(CHILD, ['seed-insights', data, join(out, 'earshot'), logs, songs]);
  const r = e.result;
  ctx.log(`  ${e.wallSeconds.toFixed(2)} s wall (import ${Number(r['import_seconds']).toFixed(2)} s + reports ${Number(r['reports_seconds']).toFixed(2)} s), peak ${e.maxRssMb} MB`);

  let pandas: ChildFigures | null = null;
  const python = pandasPython();
  if (python) {
    ctx.log(`pandas (${python}): the same seven tasks on the same files …`);
    pandas = await runCommand(python, [PANDAS, logs, songs, join(out, 'pandas')]);
    ctx.log(`  ${pandas.wallSeconds.toFixed(2)} s wall, peak ${pandas.maxRssMb} MB`);
  } else {
    ctx.log('pandas is not installed (Debian: apt-get install python3-pandas): skipping the comparison');
  }
  const speedup = pandas ? pandas.wallSeconds / e.wallSeconds : null;
  // The two implementations' files, byte for byte: a cross-check of the semantics at full size.
  const same = pandas ? SEVEN.filter((n) => spawnSync('cmp', ['-s', join(out, 'earshot', n, `${n}.csv`), join(out, 'pandas', `${n}.csv`)]).status === 0) : [];
  if (pandas) ctx.log(`  outputs byte-identical to pandas: ${same.length}/${SEVEN.length}${same.length < SEVEN.length ? ` (differ: ${SEVEN.filter((n) => !same.includes(n)).join(', ')})` : ''}`);

  // The floor (floors.ts): the same seven tasks as one plain DuckDB script over the CSV pair in memory (no
  // lake, no store, no named rejects), writing the same seven CSVs, which are compared with earshot's.
  ctx.log('floor: the seven tasks as one plain DuckDB script in memory …');
  const floor = await runNode(CHILD, ['seed-insights-floor', join(out, 'floor'), logs, songs]);
  const floorSame = SEVEN.filter((n) => spawnSync('cmp', ['-s', join(out, 'earshot', n, `${n}.csv`), join(out, 'floor', `${n}.csv`)]).status === 0);
  ctx.log(`  ${floor.wallSeconds.toFixed(2)} s wall, peak ${floor.maxRssMb} MB; outputs byte-identical to earshot's: ${floorSame.length}/${SEVEN.length}${floorSame.length < SEVEN.length ? ` (differ: ${SEVEN.filter((n) => !floorSame.includes(n)).join(', ')})` : ''}`);

  ctx.log('earshot: every report (all groups) over the imported lake …');
  const s = await runNode(CHILD, ['suite', data, join(out, 'suite')]);
  ctx.log(`  ${s.wallSeconds.toFixed(2)} s wall for ${String(s.result['reports'])} reports, peak ${s.maxRssMb} MB`);

  return [
    {
      name: 'reports-seed-insights',
      description: `the seed-insights group end to end on a generated seed-csv world (${ctx.rows.toLocaleString('en-US')} listens): a new process imports listening_logs.csv + songs_metadata.csv into an empty lake, runs the seven reports into the store and writes seven CSVs; against pandas doing the same seven tasks on the same files (same cleaning, same semantics, seven CSVs) in the same run; floor_* is the same seven tasks as one plain DuckDB script over the CSV pair in memory (no lake, no store, no named rejects: src/bench/floors.ts) writing the same seven CSVs, compared byte for byte with earshot's. Wall times include process start.`,
      figures: {
        listens: Number(r['listens']),
        seconds: round(e.wallSeconds),
        import_seconds: round(Number(r['import_seconds'])),
        reports_seconds: round(Number(r['reports_seconds'])),
        peak_rss_mb: e.maxRssMb,
        failed_reports: Number(r['failed']),
        pandas_seconds: pandas ? round(pandas.wallSeconds) : null,
        pandas_peak_rss_mb: pandas ? pandas.maxRssMb : null,
        speedup_vs_pandas: speedup === null ? null : round(speedup),
        outputs_identical_to_pandas: pandas ? `${same.length}/${SEVEN.length}` : null,
        per_report: JSON.stringify(r['per_report']),
        floor_seconds: round(floor.wallSeconds),
        floor_peak_rss_mb: floor.maxRssMb,
        floor_outputs_identical: `${floorSame.length}/${SEVEN.length}`,
      },
      target: '≤ 8 s end to end (10M listens) and ≥ 2.5× faster than pandas',
      pass: e.wallSeconds <= 8 && (speedup === null || (speedup >= 2.5 && same.length === SEVEN.length)) && Number(r['failed']) === 0,
      command,
      at,
    },
    {
      name: 'reports-suite',
      description: `every built-in report (${String(s.result['reports'])}: seed-insights, activity, catalogue, recap) over the lake imported above, into a new store generation with one CSV each; one process, wall time and peak memory`,
      figures: { reports: Number(s.result['reports']), failed: Number(s.result['failed']), seconds: round(s.wallSeconds), peak_rss_mb: s.maxRssMb, per_report: JSON.stringify(s.result['per_report']) },
      target: 'every report succeeds; time and peak memory are reported (issue 3 sets no limit)',
      pass: Number(s.result['failed']) === 0,
      command,
      at,
    },
  ];
}
