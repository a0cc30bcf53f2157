// `earshot report list | run | show`: the SQL reports over the lake (src/reports/<group>/*.sql plus
// DATA/reports/), run into the report store as a new generation and optionally written as files.
import type { Command } from 'commander';
import { Option } from 'commander';
import { relative } from 'node:path';
import { resolveDataDir } from '../../lake/paths.js';
import { FILE_FORMATS, type FileFormat } from '../../reports/files.js';
import { STANDARD_PARAMS, parseParamPairs } from '../../reports/params.js';
import { loadRegistry } from '../../reports/registry.js';
import { runReports, type ReportOutcome, type RunSummary } from '../../reports/runner.js';
import { openStore } from '../../store/index.js';
import { UsageError } from '../../util/errors.js';
import { renderRows, type OutputFormat } from '../output.js';

const DATA_HELP = 'data directory (default: $EARSHOT_DATA or ./earshot-data)';
const collect = (v: string, prev: string[]): string[] => [...prev, v];
const whole = (name: string) => (v: string): number => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new UsageError(`--${name} expects a whole number ≥ 1, got "${v}"`);
  return x;
};
const shortPath = (p: string): string => (p.startsWith(process.cwd()) ? relative(process.cwd(), p) || '.' : p);

/** The --from/--to/--tz options shared by `report run` and `recap`. */
export function rangeOptions(cmd: Command): Command {
  return cmd
    .option('--from <date>', 'first day of the range, YYYY-MM-DD (in --tz)')
    .option('--to <date>', 'last day of the range, inclusive, YYYY-MM-DD (in --tz)')
    .option('--tz <zone>', 'time zone for hours, days and weeks, e.g. Europe/Berlin', 'UTC');
}

function outcomeLine(o: ReportOutcome): string {
  if (!o.ok) return `  ✗ ${o.report.padEnd(26)} ${o.error?.message ?? 'failed'}`;
  const rows = `${o.rows.toLocaleString('en-US')} rows`.padStart(14);
  const where = o.file ? `  → ${shortPath(o.file)}` : '';
  const note = o.note && o.rows === 0 ? `  (${o.note})` : '';
  return `  ✓ ${o.report.padEnd(26)}${rows}  ${o.seconds.toFixed(2).padStart(6)} s${where}${note}`;
}

function summaryLines(s: RunSummary): string[] {
  const ok = s.outcomes.length - s.failed;
  const lines = [`generation ${s.generation} published to ${s.store} (${ok} of ${s.outcomes.length} reports, ${s.seconds.toFixed(1)} s); read one with \`earshot report show NAME\``];
  if (s.failed) lines.push(`${s.failed} report${s.failed > 1 ? 's' : ''} failed: ${s.outcomes.filter((o) => !o.ok).map((o) => o.report).join(', ')}`);
  return lines;
}

export function registerReport(program: Command): void {
  const report = program.command('report').description('SQL reports over the lake: list them, run them into the report store and files, show stored results');

  report
    .command('list')
    .description('list the reports (built-in and DATA/reports) with their parameters')
    .option('--data <dir>', DATA_HELP)
    .option('--group <group>', 'only this group')
    .option('--json', 'print as JSON')
    .action((o: { data?: string; group?: string; json?: boolean }) => {
      const reg = loadRegistry(resolveDataDir(o.data));
      const reports = reg.reports.filter((r) => !o.group || r.group === o.group);
      if (o.json) {
        console.log(JSON.stringify({ standard_parameters: STANDARD_PARAMS, reports }, null, 2));
        return;
      }
      for (const g of reg.groups.filter((x) => reports.some((r) => r.group === x.name))) {
        console.log(`\n${g.name}${g.description ? ` — ${g.description}` : ''}`);
        for (const r of reports.filter((x) => x.group === g.name)) {
          console.log(`  ${r.name.padEnd(26)} ${r.description}${r.origin === 'user' ? ' [user]' : ''}`);
          for (const p of r.parameters) console.log(`      --param ${p.name}=<${p.type}> (default ${p.default === null ? 'none' : JSON.stringify(p.default)}): ${p.description}`);
          if (r.problem) console.log(`      ! cannot run: ${r.problem}`);
        }
      }
      console.log(`\nevery report also takes --from DATE --to DATE --tz ZONE; run with \`earshot report run [NAME...] [--group G]\``);
    });

  const run = report
    .command('run')
    .description('run reports (all, the named ones, or a --group) into a new generation of the report store')
    .argument('[names...]', 'reports to run (see `earshot report list`)')
    .option('--group <group>', 'run every report of this group (seed-insights, activity, catalogue, recap, or your own)')
    .option('--data <dir>', DATA_HELP)
    .option('--out <dir>', 'also write each report as one file: DIR/<report>/<report>.<format>')
    .addOption(new Option('--format <format>', 'file format for --out').choices([...FILE_FORMATS]).default('csv'));
  rangeOptions(run)
    .option('--param <name=value>', 'a report parameter, e.g. --param threshold=0.5 (repeatable)', collect, [] as string[])
    .option('--keep <n>', 'generations to keep per report in the store', whole('keep'), 3)
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
A report that fails (a bad parameter, a missing table, an SQL error) is named with what went wrong; the
others still run, and the command exits with 1. Results are published atomically as a new generation
of DATA/store.duckdb: a reader sees the previous generation until the new one is complete.

Examples:
  earshot report run --group seed-insights --out reports/
  earshot report run top_songs_this_week --param week=2025-W13 --tz Europe/Berlin
  earshot report run --group activity --from 2024-01-01 --to 2024-12-31 --format parquet --out reports/`,
    )
    .action(async (names: string[], o: { group?: string; data?: string; out?: string; format: FileFormat; from?: string; to?: string; tz: string; param: string[]; keep: number; json?: boolean }) => {
      const dataDir = resolveDataDir(o.data);
      const summary = await runReports({
        dataDir,
        names,
        ...(o.group ? { group: o.group } : {}),
        ...(o.out ? { out: o.out } : {}),
        format: o.format,
        ...(o.from ? { from: o.from } : {}),
        ...(o.to ? { to: o.to } : {}),
        tz: o.tz,
        params: parseParamPairs(o.param),
        keep: o.keep,
        ...(o.json ? {} : { onReport: (r: ReportOutcome) => console.log(outcomeLine(r)) }),
      });
      if (o.json) {
        console.log(JSON.stringify({ ...summary, outcomes: summary.outcomes.map((x) => ({ ...x, error: x.error ? { kind: x.error.kind, parameter: x.error.parameter ?? null, message: x.error.message } : null })) }, null, 2));
      } else {
        for (const l of summaryLines(summary)) console.log(l);
      }
      if (summary.failed) process.exitCode = 1;
    });

  report
    .command('show')
    .description('print a report from the store (its latest generation, or --generation N)')
    .argument('<name>', 'the report')
    .option('--data <dir>', DATA_HELP)
    .option('--generation <n>', 'a kept generation instead of the latest', whole('generation'))
    .option('--limit <n>', 'at most this many rows', whole('limit'))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .action(async (name: string, o: { data?: string; generation?: number; limit?: number; format: OutputFormat }) => {
      const store = await openStore(resolveDataDir(o.data), { readOnly: true });
      try {
        const r = await store.read(name, { ...(o.generation ? { generation: o.generation } : {}), ...(o.limit ? { limit: o.limit } : {}) });
        if (!r) {
          throw new UsageError(`report ${name} has not been computed yet${o.generation ? ` in generation ${o.generation}` : ''}`, { hint: `run \`earshot report run ${name}\`` });
        }
        if (o.format === 'table') console.error(`${name}: generation ${r.generation}, published ${r.publishedAt}, ${r.rows.toLocaleString('en-US')} rows, parameters ${JSON.stringify(r.params)}`);
        console.log(renderRows(r.data, r.columns, o.format));
      } finally {
        await store.close();
      }
    });
}
