// The `earshot` command: wires subcommands and turns errors into a message, a hint and an exit code.
import { Command, CommanderError } from 'commander';
import { EarshotError, UsageError, errorMessage } from '../util/errors.js';
type Register = (program: Command) => void;

/**
 * Every command module, in the order `--help` lists them, with the top-level commands it adds. Each is
 * loaded only when needed: most pull in DuckDB, and `serve` and `stream` Fastify and NATS too, so
 * loading all of them made every command start ~0.35 s later (`earshot --help` took 0.8 s).
 */
export const COMMANDS: readonly { readonly names: readonly string[]; readonly load: () => Promise<Register> }[] = [
  { names: ['import'], load: async () => (await import('./commands/import.js')).registerImport },
  { names: ['query', 'tables'], load: async () => (await import('./commands/query.js')).registerQuery },
  { names: ['generate'], load: async () => (await import('./commands/generate.js')).registerGenerate },
  { names: ['formats'], load: async () => (await import('./commands/formats.js')).registerFormats },
  { names: ['report'], load: async () => (await import('./commands/report.js')).registerReport },
  { names: ['recap'], load: async () => (await import('./commands/recap.js')).registerRecap },
  { names: ['stream', 'views', 'publish'], load: async () => (await import('./commands/stream.js')).registerStream },
  { names: ['recs'], load: async () => (await import('./commands/recs.js')).registerRecs },
  { names: ['ml'], load: async () => (await import('./commands/ml.js')).registerMl },
  { names: ['serve', 'users'], load: async () => (await import('./commands/serve.js')).registerServe },
  { names: ['lake'], load: async () => (await import('./commands/lake.js')).registerLake },
];

/**
 * The program with the module of command `only` registered, or every module when `only` is not one of
 * their commands (`--help`, `help`, a typo: then help and suggestions see them all).
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command();
  program
    .name('earshot')
    .description('Music-listening events into live and historical insight.\nData lives in --data DIR (or $EARSHOT_DATA, default ./earshot-data).')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  const mine = COMMANDS.filter((c) => only !== undefined && c.names.includes(only));
  for (const c of mine.length > 0 ? mine : COMMANDS) (await c.load())(program);
  program.addHelpText('after', '\nQuick start:\n  earshot generate --out world && earshot import world && earshot query "SELECT count(*) FROM listens"');
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv[2]);
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
