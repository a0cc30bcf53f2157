// `earshot serve` and `earshot users`: the HTTP server (ingest, engine, API, dashboard) on the embedded
// defaults, and the users and tokens it accepts.
import type { Command } from 'commander';
import { compactionHint } from '../../lake/compact.js';
import { dataPaths, resolveDataDir } from '../../lake/paths.js';
import { DEFAULT_SERVE_CONFIG } from '../../serve/context.js';
import { startServer } from '../../serve/server.js';
import { addUser, readUsers, rotateToken } from '../../serve/users.js';
import { EarshotError, UsageError } from '../../util/errors.js';

function int(flag: string, v: string, min = 0): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, got "${v}"`);
  return n;
}

function port(v: string): number {
  const n = int('--port', v);
  if (n > 65_535) throw new UsageError(`--port must be at most 65535, got "${v}"`);
  return n;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run ingest, the stream engine and the HTTP API (ListenBrainz-compatible) in one process')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--host <host>', 'address to listen on', DEFAULT_SERVE_CONFIG.host)
    .option('--port <port>', 'port (0 picks a free one)', String(DEFAULT_SERVE_CONFIG.port))
    .option('--bulk-limit <bytes>', 'largest body of POST /v1/listens', String(DEFAULT_SERVE_CONFIG.bulkLimit))
    .option('--rate-limit <n>', 'requests per minute per token (0: no limit)', String(DEFAULT_SERVE_CONFIG.rateLimit))
    .option('--flush-every <seconds>', 'how often acknowledged listens move into the Parquet lake', String(DEFAULT_SERVE_CONFIG.flushEveryMs / 1000))
    .option('--parse-workers <n>', 'threads that read large POST /v1/listens bodies (0: the main thread)', String(DEFAULT_SERVE_CONFIG.parseWorkers))
    .option('--log-level <level>', 'fatal | error | warn | info | debug (JSON lines on stdout)', DEFAULT_SERVE_CONFIG.logLevel)
    .addHelpText(
      'after',
      `
Create a user first:  earshot users add me --admin   (prints the token)
Then, for example:
  curl -H "Authorization: Token TOKEN" http://127.0.0.1:8080/v1/me
  curl -H "Authorization: Token TOKEN" -d @listens.ndjson http://127.0.0.1:8080/v1/listens
ListenBrainz clients: set the server URL to http://HOST:PORT and the user token.
API reference: /docs (OpenAPI at /openapi.json). Stop with Ctrl-C: the engine checkpoints first.`,
    )
    .action(async (o: Record<string, string>) => {
      const dataDir = resolveDataDir(o['data']);
      const config = {
        host: o['host']!,
        port: port(o['port']!),
        bulkLimit: int('--bulk-limit', o['bulkLimit']!, 1024),
        rateLimit: int('--rate-limit', o['rateLimit']!),
        flushEveryMs: int('--flush-every', o['flushEvery']!, 1) * 1000,
        logLevel: o['logLevel']!,
        parseWorkers: int('--parse-workers', o['parseWorkers']!),
      };
      const server = await startServer({ dataDir, config }).catch((err: unknown) => {
        const code = (err as { code?: string }).code;
        if (code === 'EADDRINUSE') throw new EarshotError(`port ${config.port} on ${config.host} is in use`, { hint: 'another program (or another earshot serve) listens there: stop it, or pick another port with --port (0 picks a free one)', cause: err });
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new EarshotError(`cannot listen on ${config.host}: no such address on this machine`, { hint: 'use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)', cause: err });
        if (code === 'EACCES') throw new EarshotError(`not allowed to listen on port ${config.port}`, { hint: 'ports below 1024 need privileges: pick a port of 1024 or more with --port', cause: err });
        throw err;
      });
      if (readUsers(dataDir).length === 0) console.error('earshot: no users yet: every request will get 401. Create one with: earshot users add NAME --admin');
      console.error(`earshot: serving ${dataDir} on ${server.url} (API reference: ${server.url}/docs)`);
      const hint = compactionHint(dataPaths(dataDir));
      if (hint) console.error(`earshot: ${hint} (stop the server first)`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      console.error('earshot: stopping (checkpointing the engine, moving acknowledged listens into the lake)…');
      await server.close();
    });

  const users = program.command('users').description('users and tokens of earshot serve');
  users
    .command('add')
    .description('add a user and print their token (shown once; stored hashed)')
    .argument('<name>', 'user name: the user_id their listens carry')
    .option('--admin', 'may read everything and the global views')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--json', 'print {name, admin, token} as JSON')
    .action(async (name: string, o: { admin?: boolean; data?: string; json?: boolean }) => {
      const { user, token } = await addUser(resolveDataDir(o.data), name, !!o.admin);
      if (o.json) console.log(JSON.stringify({ ...user, token }));
      else {
        console.log(token);
        console.error(`earshot: added ${user.admin ? 'admin ' : ''}${user.name}; the token above is shown only once`);
      }
    });
  users
    .command('list')
    .description('list users')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--json', 'print JSON')
    .action((o: { data?: string; json?: boolean }) => {
      const list = readUsers(resolveDataDir(o.data)).map((u) => ({ name: u.name, admin: u.admin, created_at: u.createdAt, rotated_at: u.rotatedAt ?? null }));
      if (o.json) console.log(JSON.stringify(list, null, 2));
      else if (list.length === 0) console.log('no users yet (earshot users add NAME [--admin])');
      else for (const u of list) console.log(`${u.name}${u.admin ? ' (admin)' : ''}  created ${u.created_at}${u.rotated_at ? `, token rotated ${u.rotated_at}` : ''}`);
    });
  users
    .command('token')
    .description("replace a user's token (--rotate) and print the new one")
    .argument('<name>', 'user name')
    .option('--rotate', 'make a new token; the old one stops working')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .action(async (name: string, o: { rotate?: boolean; data?: string }) => {
      if (!o.rotate) throw new UsageError('tokens are stored hashed and cannot be shown again', { hint: `earshot users token ${name} --rotate makes a new one` });
      console.log(await rotateToken(resolveDataDir(o.data), name));
    });
}
