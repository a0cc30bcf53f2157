// `earshot import PATH...`: parse flags, run the import with a progress bar, print the summary.
import type { Command } from 'commander';
import { FORMATS } from '../../formats/registry.js';
import { runImport } from '../../import/run.js';
import { formatSummary } from '../../import/summary.js';
import { compactionHint } from '../../lake/compact.js';
import { dataPaths, resolveDataDir } from '../../lake/paths.js';
import { UsageError } from '../../util/errors.js';
import { progressBar } from '../progress.js';

/** --map user_id=uid,track_name=title (repeatable) into an object. */
export function parseMapping(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values.flatMap((x) => x.split(','))) {
    const m = /^\s*([a-z_]+)\s*=\s*(.+?)\s*$/.exec(v);
    if (!m) throw new UsageError(`--map expects canonical=source pairs like user_id=uid, got "${v}"`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import listening history and catalogue files into the lake (formats are detected from content)')
    .argument('<paths...>', 'files, directories (every recognised file inside) or .zip exports')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--user <id>', 'user id for exports that do not name one (Spotify, Last.fm CSV); default "me"')
    .option('--format <name>', `force a format instead of detecting it: ${FORMATS.map((f) => f.name).join(', ')}`)
    .option('--map <pairs...>', 'column mapping for the generic formats: canonical=source, e.g. user_id=uid listened_at=played')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Every record is accepted, counted as a duplicate (same user, start time and track as one already
stored) or rejected with the file, line or record, field and reason. Rejects are written to
<data>/rejects/<import-id>.ndjson and the summary says where. Importing the same files again adds nothing.

Examples:
  earshot import ~/Downloads/my_spotify_data.zip --user alice
  earshot import listening_logs.csv songs_metadata.csv
  earshot import plays.csv --format generic-csv --map user_id=uid listened_at=played track_name=title`,
    )
    .action(async (paths: string[], o: { data?: string; user?: string; format?: string; map?: string[]; json?: boolean }) => {
      const bar = progressBar();
      const summary = await runImport({
        inputs: paths,
        dataDir: resolveDataDir(o.data),
        ...(o.user ? { user: o.user } : {}),
        ...(o.format ? { format: o.format } : {}),
        ...(o.map ? { mapping: parseMapping(o.map) } : {}),
        onProgress: (p) => bar.update(p.label, p.phase === 'stage' ? (p.step - 1 + p.percent / 100) / p.steps : p.percent / 100, p.phase === 'stage' ? `reading ${p.step}/${p.steps}` : `writing ${p.label}`),
      });
      bar.done();
      console.log(o.json ? JSON.stringify(summary, null, 2) : formatSummary(summary));
      const hint = compactionHint(dataPaths(resolveDataDir(o.data)));
      if (hint && !o.json) console.error(`earshot: ${hint}`);
      if (summary.files.some((f) => f.error)) process.exitCode = 1;
    });
}
