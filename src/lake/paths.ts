// Where everything lives under the data directory (--data, EARSHOT_DATA, default ./earshot-data).
import { join, resolve } from 'node:path';
import type { TableName } from '../model/schema.js';

export interface DataPaths {
  readonly root: string;
  readonly lake: string;
  readonly tmp: string;
  readonly rejects: string;
  readonly imports: string;
  /** The lake's write lock (imports, server flushes, compaction). */
  readonly lock: string;
  /** Held by whatever runs the stream engine (`earshot stream`, `earshot serve`) for its lifetime. */
  readonly streamLock: string;
  table(name: TableName): string;
}

export const DEFAULT_DATA_DIR = './earshot-data';

/** The data directory from the flag, else EARSHOT_DATA, else ./earshot-data. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env['EARSHOT_DATA'] ?? DEFAULT_DATA_DIR);
}

export function dataPaths(root: string): DataPaths {
  const abs = resolve(root);
  const lake = join(abs, 'lake');
  return {
    root: abs,
    lake,
    tmp: join(abs, 'tmp'),
    rejects: join(abs, 'rejects'),
    imports: join(abs, 'imports.ndjson'),
    lock: join(abs, 'import.lock'),
    streamLock: join(abs, 'stream.lock'),
    table: (name) => join(lake, name),
  };
}
