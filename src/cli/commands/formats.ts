// `earshot formats`: what the importer recognises, for --format and for people wondering.
import type { Command } from 'commander';
import { FORMATS } from '../../formats/registry.js';

export function registerFormats(program: Command): void {
  program
    .command('formats')
    .description('list the input formats earshot recognises')
    .option('--json', 'print as JSON')
    .action((o: { json?: boolean }) => {
      const rows = FORMATS.map((f) => ({ name: f.name, description: f.description }));
      if (o.json) console.log(JSON.stringify(rows, null, 2));
      else for (const r of rows) console.log(`${r.name.padEnd(28)} ${r.description}`);
    });
}
