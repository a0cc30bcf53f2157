// `earshot recap USER`: a Wrapped-style recap for any user and date range. It is the `recap` report
// (src/reports/recap/recap.sql), run and published like any other, then arranged for reading.
import type { Command } from 'commander';
import { resolveDataDir } from '../../lake/paths.js';
import { buildRecap, renderRecap, toRecapRows } from '../../reports/recap.js';
import { runReports } from '../../reports/runner.js';
import { openStore } from '../../store/index.js';
import { EarshotError } from '../../util/errors.js';
import { rangeOptions } from './report.js';

export function registerRecap(program: Command): void {
  const cmd = program
    .command('recap')
    .description('a Wrapped-style recap of one user: minutes, top tracks/artists/genres/moods, listening clock, discoveries, streaks, sessions')
    .argument('<user>', 'the user id (Spotify exports: the --user given at import, default "me")')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)');
  rangeOptions(cmd)
    .option('--json', 'print the recap as JSON')
    .addHelpText('after', '\nExample:\n  earshot recap me --from 2024-01-01 --to 2024-12-31 --tz Europe/Berlin')
    .action(async (user: string, o: { data?: string; from?: string; to?: string; tz: string; json?: boolean }) => {
      const dataDir = resolveDataDir(o.data);
      const summary = await runReports({ dataDir, names: ['recap'], params: { user }, ...(o.from ? { from: o.from } : {}), ...(o.to ? { to: o.to } : {}), tz: o.tz });
      const outcome = summary.outcomes[0];
      if (!outcome?.ok) throw outcome?.error ?? new EarshotError('the recap report failed');
      const store = await openStore(dataDir, { readOnly: true });
      let rows;
      try {
        rows = (await store.read('recap', { generation: summary.generation }))?.data ?? [];
      } finally {
        await store.close();
      }
      const recap = buildRecap(toRecapRows(rows));
      if (recap.plays === 0) {
        process.exitCode = 1;
        console.error(`earshot: no listens of user ${user} between ${summary.range.from ?? 'the beginning'} and ${summary.range.to ?? 'the end'}`);
        return;
      }
      if (o.json) console.log(JSON.stringify({ range: { from: summary.range.from, to: summary.range.to, tz: summary.range.tz }, generation: summary.generation, ...recap }, null, 2));
      else console.log(renderRecap(recap, summary.range));
    });
}
