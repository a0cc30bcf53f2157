// Measured tasks of the `reports` benchmark, each in its own process (like child.ts) so its peak
// memory is its own. Prints {seconds, maxRssMb, result} as the last line.
//   seed-insights DATA OUT LOGS SONGS   import the CSV pair into an empty lake, then run the group
//   suite DATA OUT                      run every report over an existing lake
//   seed-insights-floor OUT LOGS SONGS  the seven tasks as one plain DuckDB script in memory (floors.ts)
import { runImport } from '../import/run.js';
import { runReports } from '../reports/runner.js';
import { seedInsightsFloor } from './floors.js';

async function task(kind: string, args: string[]): Promise<Record<string, unknown>> {
  switch (kind) {
    case 'seed-insights': {
      const [data, out, ...inputs] = args;
      const t0 = performance.now();
      const imp = await runImport({ inputs, dataDir: data! });
      const t1 = performance.now();
      const run = await runReports({ dataDir: data!, out: out!, group: 'seed-insights' });
      const t2 = performance.now();
      return {
        accepted: imp.totals.accepted,
        listens: imp.written['listens'] ?? 0,
        import_seconds: (t1 - t0) / 1000,
        reports_seconds: (t2 - t1) / 1000,
        failed: run.failed,
        per_report: Object.fromEntries(run.outcomes.map((o) => [o.report, { rows: o.rows, seconds: Math.round(o.seconds * 1000) / 1000 }])),
      };
    }
    case 'suite': {
      const [data, out] = args;
      const run = await runReports({ dataDir: data!, out: out! });
      return { reports: run.outcomes.length, failed: run.failed, per_report: Object.fromEntries(run.outcomes.map((o) => [o.report, Math.round(o.seconds * 1000) / 1000])) };
    }
    case 'seed-insights-floor': {
      const [out, logs, songs] = args as [string, string, string];
      return { rows: await seedInsightsFloor(logs, songs, out) };
    }
    default:
      throw new Error(`unknown reports bench task ${kind}`);
  }
}

const t0 = performance.now();
const [kind, ...args] = process.argv.slice(2);
const result = await task(kind!, args);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ seconds, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), result }));
