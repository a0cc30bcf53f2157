// `earshot generate`: writes a synthetic, reproducible listening world in one of the import formats.
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve } from 'node:path';
import { generateWorld, GENERATE_DEFAULTS, type GenerateFormat } from '../../generate/index.js';
import { UsageError } from '../../util/errors.js';
import { progressBar } from '../progress.js';

function count(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} expects a whole number ≥ ${min}, got "${v}"`);
    return n;
  };
}

export function registerGenerate(program: Command): void {
  const d = GENERATE_DEFAULTS;
  program
    .command('generate')
    .description('write a realistic synthetic world (users, tracks, listens) that `earshot import` reads; same seed, same files')
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--users <n>', 'number of users', count('users', 1), d.users)
    .option('--tracks <n>', 'number of tracks', count('tracks', 1), d.tracks)
    .option('--events <n>', 'number of listens to write', count('events', 0), d.events)
    .option('--days <n>', 'days of history', count('days', 1), d.days)
    .option('--seed <n>', 'random seed', count('seed', 0), d.seed)
    .option('--start <date>', 'first day (YYYY-MM-DD, UTC)', '2026-01-01')
    .option('--dirty <share>', 'share of malformed, duplicate and late records, 0 to 1', (v) => {
      const x = Number(v);
      if (!(x >= 0 && x <= 1)) throw new UsageError(`--dirty expects a share between 0 and 1, got "${v}"`);
      return x;
    }, d.dirty)
    .addOption(new Option('--format <format>', 'file layout').choices(['seed-csv', 'events', 'spotify-extended', 'parquet']).default(d.format))
    .option('--json', 'print the summary as JSON')
    .action(async (o: { out: string; users: number; tracks: number; events: number; days: number; seed: number; start: string; dirty: number; format: GenerateFormat; json?: boolean }) => {
      const bar = progressBar();
      const summary = await generateWorld({
        out: resolve(o.out),
        users: o.users,
        tracks: o.tracks,
        events: o.events,
        days: o.days,
        seed: o.seed,
        start: o.start,
        dirty: o.dirty,
        format: o.format,
        onProgress: (done, total) => bar.update(o.out, total ? done / total : 1, `${done.toLocaleString('en-US')} listens`),
      });
      bar.done();
      if (o.json) console.log(JSON.stringify(summary, null, 2));
      else {
        console.log(`wrote ${summary.listens.toLocaleString('en-US')} listens of ${summary.users} users over ${summary.tracks} tracks in ${summary.seconds.toFixed(1)} s`);
        console.log(`dirty records: ${summary.malformed} malformed, ${summary.duplicates} duplicates, ${summary.late} late`);
        for (const f of summary.files) console.log(`  ${f}`);
        console.log(`next: earshot import ${o.out}`);
      }
    });
}
