// The `earshot` command: wires subcommands and turns errors into a message, a hint and an exit code.
import { Command, CommanderError } from 'commander';
import { EarshotError, UsageError, errorMessage } from '../util/errors.js';
import { registerImport } from './commands/import.js';
import { registerQuery } from './commands/query.js';
import { registerGenerate } from './commands/generate.js';
import { registerFormats } from './commands/formats.js';
import { registerReport } from './commands/report.js';
import { registerRecap } from './commands/recap.js';
import { registerStream } from './commands/stream.js';
import { registerRecs } from './commands/recs.js';
import { registerMl } from './commands/ml.js';
import { registerServe } from './commands/serve.js';
import { registerLake } from './commands/lake.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('earshot')
    .description('Music-listening events into live and historical insight.\nData lives in --data DIR (or $EARSHOT_DATA, default ./earshot-data).')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerImport(program);
  registerQuery(program);
  registerGenerate(program);
  registerFormats(program);
  registerReport(program);
  registerRecap(program);
  registerStream(program);
  registerRecs(program);
  registerMl(program);
  registerServe(program);
  registerLake(program);
  program.addHelpText('after', '\nQuick start:\n  earshot generate --out world && earshot import world && earshot query "SELECT count(*) FROM listens"');
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const e = err as Error;
    console.error(`earshot: ${errorMessage(e)}`);
    if (err instanceof EarshotError && err.hint) console.error(`  hint: ${err.hint}`);
    if (process.env['EARSHOT_DEBUG']) console.error(e.stack);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}
