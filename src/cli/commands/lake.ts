// `earshot lake compact`: rewrites the lake's listens to one sorted file per month (src/lake/compact.ts).
import type { Command } from 'commander';
import { compactLake } from '../../lake/compact.js';
import { resolveDataDir } from '../../lake/paths.js';
import { progressBar } from '../progress.js';

export function registerLake(program: Command): void {
  const lake = program.command('lake').description('look after the lake (DATA/lake): compaction');
  lake
    .command('compact')
    .description('rewrite listens to one file per month, sorted by user and time, so recaps and profiles read less')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Every import and every flush of the server adds a file to each month it touches; lakes written by
earlier versions of earshot keep one folder per day. A read of one user's listens (a recap, a profile) opens every
file of the range, so many files cost time, and an import of more than a million listens writes them
in file order (unsorted-*.parquet), which such a read scans whole. Compaction rewrites each month that
has more than one file, a file in file order, or any day folder into one file, sorted by user and time,
and removes the files it replaces; months of one sorted file are left alone, so running it again does
nothing. Safe to interrupt: a half-done month is
finished or undone by the next command that writes to the lake.

It refuses while \`earshot serve\` or \`earshot stream\` runs on the data directory (they may be reading
the files it removes): stop them, compact, start them again. A running server merges the files of its
own flushes once a month has eight, and sorts months in file order by itself.

Example:
  earshot lake compact --data earshot-data`,
    )
    .action(async (o: { data?: string; json?: boolean }) => {
      const dataDir = resolveDataDir(o.data);
      const bar = progressBar();
      const r = await compactLake({ dataDir, onMonth: (done, total, month) => bar.update(month, total ? done / total : 1, `${done}/${total} months`) });
      bar.done();
      if (o.json) console.log(JSON.stringify(r));
      else if (r.months === 0) console.log(`earshot: nothing to compact in ${dataDir}/lake (every month of listens is one file)`);
      else console.log(`earshot: compacted ${r.months} month${r.months === 1 ? '' : 's'} of listens: ${r.filesBefore} files → ${r.filesAfter}, ${r.rows.toLocaleString('en-US')} listens, ${r.seconds.toFixed(1)} s`);
    });
}
