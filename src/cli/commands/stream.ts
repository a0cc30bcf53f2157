// `earshot stream`, `earshot views dump|show` and `earshot publish`: the stream engine from the command
// line. Flags are parsed once into the engine config and a source spec; the library does the work.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { parseConfig, parseDuration } from '../../engine/config.js';
import { runStream, type RunProgress } from '../../engine/runner.js';
import { Dicts } from '../../engine/dict.js';
import { fileSourceId, openFileSource } from '../../engine/sources/file.js';
import { parseSourceSpec } from '../../engine/sources/index.js';
import { parseNatsUrl } from '../../engine/sources/nats/connect.js';
import { publishFrom } from '../../engine/sources/nats/publish.js';
import type { InputProblem } from '../../import/inputs.js';
import { resolveDataDir } from '../../lake/paths.js';
import { dumpViews, readView } from '../../store/views.js';
import { UsageError } from '../../util/errors.js';
import { VIEW_NAMES, type ViewName } from '../../views/tables.js';
import { renderRows, type OutputFormat } from '../output.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function parseSpeed(s: string | undefined): number | 'max' | undefined {
  if (s === undefined) return undefined;
  if (s === 'max') return 'max';
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--speed must be a positive number or max, got "${s}"`, { hint: '--speed 60 plays an hour of listens per minute' });
  return n;
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().replace('.000Z', 'Z') : '—');

function progressLine(p: RunProgress): string {
  const c = p.counters;
  const n = (x: number | undefined) => Math.round(x ?? 0).toLocaleString('en-US');
  return `in ${n(c['events_in'])} · accepted ${n(c['accepted'])} · late ${n(c['late'])} · rejected ${n(c['rejected'])} · ${n(c['events_per_second'])} ev/s (run ${n(p.eventsPerSecond)}) · watermark ${iso(p.watermark)}${p.lag !== null ? ` · backlog ${n(p.lag)}` : ''}`;
}

/** Names each input that is missing or unreadable and fails the command, as earshot import does. */
function reportProblems(problems: readonly InputProblem[]): void {
  for (const p of problems) console.error(`earshot: ${p.origin}: ${p.message}`);
  if (problems.length > 0) process.exitCode = 1;
}

export function registerStream(program: Command): void {
  program
    .command('stream')
    .description('run the event-time engine: keep the live views (trending, actions, active users, profiles, sessions, counters) from a source')
    .option('--source <source>', 'lake | file:PATH[,PATH] | generator[:users=N,events=N,seed=N,start=now|DATE] | nats://HOST:PORT/STREAM', 'lake')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--speed <n>', 'event-time speed: 60 plays an hour per minute; max as fast as possible (default: max for replays, 1 for the live generator)')
    .option('--until-idle', 'stop when the source has nothing more (end of a replay, no message for --idle)')
    .option('--fresh', 'forget the checkpoint and the stored views, and start over')
    .option('--lateness <duration>', 'allowed lateness: the watermark is the latest event time minus this', '10s')
    .option('--window <name=size/slide>', 'window of a view (trending, actions, active), e.g. trending=10m/2m (repeatable)', collect, [])
    .option('--session-gap <duration>', 'silence that closes a session', '30m')
    .option('--top <n>', 'tracks per trending window', '50')
    .option('--artist-slots <n>', 'artists counted per user profile (top artists are estimates beyond this many)', '16')
    .option('--emit-every <duration>', 'how often changed rows are written to the views', '1s')
    .option('--checkpoint-every <duration>', 'how often state and position are checkpointed', '10s')
    .option('--consumer <name>', 'JetStream durable consumer (default: one per data directory)')
    .option('--idle <duration>', 'with --until-idle: a broker with no message for this long is idle', '2s')
    .option('--user <id>', 'file source: user id for exports that do not name one')
    .option('--format <name>', 'file source: force an input format')
    .option('--json', 'print the final summary as JSON')
    .addHelpText(
      'after',
      `
Views are written to DATA/views.duckdb (earshot views dump); the checkpoint to DATA/checkpoints/engine.ckpt.
Stopping (Ctrl-C) checkpoints; running again resumes where it stopped.

Examples:
  earshot stream --until-idle                                  replay the lake as fast as possible
  earshot stream --source file:listening_logs.csv,songs_metadata.csv --speed 3600
  earshot stream --source generator                            a live synthetic feed, in real time
  earshot stream --source nats://127.0.0.1:4222/LISTENS`,
    )
    .action(async (o: Record<string, string | string[] | boolean | undefined>) => {
      const dataDir = resolveDataDir(o['data'] as string | undefined);
      const config = parseConfig({
        lateness: o['lateness'] as string,
        windows: o['window'] as string[],
        sessionGap: o['sessionGap'] as string,
        top: Number(o['top']),
        artistSlots: Number(o['artistSlots']),
      });
      const source = parseSourceSpec(o['source'] as string, {
        dataDir,
        ...(o['consumer'] ? { consumer: o['consumer'] as string } : {}),
        ...(o['user'] ? { user: o['user'] as string } : {}),
        ...(o['format'] ? { format: o['format'] as string } : {}),
      });
      // The lake source reads DATA/lake: on a data directory that does not exist (a mistyped --data, say) the
      // run would create it and stream nothing. (An existing one without listens yet is fine: without
      // --until-idle the engine waits for imports.)
      if (source.kind === 'lake' && !existsSync(dataDir)) {
        throw new UsageError(`no data directory at ${dataDir} to stream from`, { hint: 'pass the data directory earshot import wrote with --data (or set EARSHOT_DATA), or import something first: earshot import PATH --data DIR' });
      }
      const speed = parseSpeed(o['speed'] as string | undefined);
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const tty = process.stderr.isTTY;
      let lastLine = 0;
      try {
        const res = await runStream({
          dataDir,
          source,
          config,
          ...(speed !== undefined ? { speed } : {}),
          untilIdle: !!o['untilIdle'],
          fresh: !!o['fresh'],
          emitEveryMs: parseDuration(o['emitEvery'] as string, '--emit-every'),
          checkpointEveryMs: parseDuration(o['checkpointEvery'] as string, '--checkpoint-every'),
          idleMs: parseDuration(o['idle'] as string, '--idle'),
          signal: ac.signal,
          progressEveryMs: tty ? 250 : 5000,
          onProgress: (p) => {
            if (tty) process.stderr.write(`\r${progressLine(p).slice(0, (process.stderr.columns ?? 120) - 1).padEnd((process.stderr.columns ?? 120) - 1)}`);
            else if (Date.now() - lastLine > 4000) {
              lastLine = Date.now();
              process.stderr.write(progressLine(p) + '\n');
            }
          },
        });
        if (tty) process.stderr.write('\n');
        reportProblems(res.problems);
        if (o['json']) console.log(JSON.stringify({ dataDir, source: o['source'], ...res }, null, 2));
        else {
          const c = res.counters;
          console.log(`${res.resumed ? 'resumed from the checkpoint; ' : ''}${Math.round(c['events_in'] ?? 0).toLocaleString('en-US')} events in ${res.seconds.toFixed(1)} s (${res.eventsPerSecond.toLocaleString('en-US')} events/s)`);
          console.log(`  accepted ${c['accepted']}, late ${c['late']} (beyond ${config.lateness / 1000} s: in late_listens), rejected ${c['rejected']}, duplicates ${c['duplicates']}`);
          console.log(`  watermark ${iso(res.watermark)}; ${res.checkpoints} checkpoints (${(res.checkpointBytes / 1e6).toFixed(1)} MB) in ${dataDir}/checkpoints/`);
          console.log(`  views in ${dataDir}/views.duckdb: earshot views dump --data ${dataDir} --out DIR`);
        }
      } finally {
        process.removeListener('SIGINT', stop);
        process.removeListener('SIGTERM', stop);
      }
    });

  const views = program.command('views').description('the live views the stream engine keeps (DATA/views.duckdb)');
  views
    .command('dump')
    .description('write each view\'s current rows to DIR/<view>.csv')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--out <dir>', 'folder for the CSV files', 'views')
    .option('--view <name>', `only this view (repeatable): ${VIEW_NAMES.join(', ')}`, collect, [])
    .action(async (o: { data?: string; out: string; view: string[] }) => {
      for (const v of o.view) if (!VIEW_NAMES.includes(v as ViewName)) throw new UsageError(`unknown view "${v}"`, { hint: `views: ${VIEW_NAMES.join(', ')}` });
      const files = await dumpViews(resolveDataDir(o.data), o.out, o.view.length ? (o.view as ViewName[]) : VIEW_NAMES);
      for (const f of files) console.log(`${f.view.padEnd(16)} ${String(f.rows).padStart(10)} rows → ${f.file}`);
    });
  views
    .command('show')
    .description('print a view\'s current rows')
    .argument('<view>', VIEW_NAMES.join(' | '))
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--limit <n>', 'rows to print', '20')
    .option('--format <format>', 'table | csv | json', 'table')
    .action(async (view: string, o: { data?: string; limit: string; format: OutputFormat }) => {
      if (!VIEW_NAMES.includes(view as ViewName)) throw new UsageError(`unknown view "${view}"`, { hint: `views: ${VIEW_NAMES.join(', ')}` });
      const r = await readView(resolveDataDir(o.data), view as ViewName);
      console.log(renderRows(r.rows.slice(0, Number(o.limit)), r.columns, o.format));
      if (r.rows.length === 0) console.error('(no rows yet: run earshot stream first)');
    });

  program
    .command('publish')
    .description('send listens from importable files into a NATS JetStream stream, in batches per message')
    .argument('<paths...>', 'files, folders or .zip exports (as earshot import reads them)')
    .requiredOption('--to <url>', 'nats://HOST:PORT/STREAM (the stream is created if missing; subject STREAM.listens)')
    .option('--batch <n>', 'listens per message', '1000')
    .option('--rate <n>', 'listens per second (default: as fast as the broker acks)')
    .option('--user <id>', 'user id for exports that do not name one')
    .option('--format <name>', 'force an input format')
    .option('--json', 'print the summary as JSON')
    .action(async (paths: string[], o: { to: string; batch: string; rate?: string; user?: string; format?: string; json?: boolean }) => {
      const target = parseNatsUrl(o.to);
      const batch = Number(o.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new UsageError(`--batch must be 1 to 100000, got ${o.batch}`);
      const rate = o.rate === undefined ? undefined : Number(o.rate);
      if (rate !== undefined && !(rate > 0)) throw new UsageError(`--rate must be positive, got ${o.rate}`);
      const dicts = new Dicts();
      const source = await openFileSource({ inputs: paths, dicts, from: null, ...(o.user ? { user: o.user } : {}), ...(o.format ? { format: o.format } : {}) });
      reportProblems(source.staged.problems);
      const s = await publishFrom(source, dicts, {
        target,
        batch,
        ...(rate ? { rate } : {}),
        inputId: fileSourceId(paths),
        onProgress: process.stderr.isTTY ? (p) => process.stderr.write(`\rpublished ${p.listens.toLocaleString('en-US')} listens in ${p.messages} messages`) : undefined,
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      if (o.json) console.log(JSON.stringify(s, null, 2));
      else {
        console.log(`published ${s.listens.toLocaleString('en-US')} listens in ${s.messages} messages to ${s.subject} in ${s.seconds.toFixed(1)} s (${s.listensPerSecond.toLocaleString('en-US')} listens/s)`);
        console.log(`  rejected ${s.rejected}, duplicates dropped ${s.duplicates}${s.duplicateMessages ? `, ${s.duplicateMessages} messages already in the stream` : ''}; stream sequences ${s.firstSeq ?? '—'}..${s.lastSeq ?? '—'}`);
      }
    });
}
