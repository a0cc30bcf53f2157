// Lake compaction: rewrites each month of listens that has more than one file (every import and every
// server flush adds one), a file in file order (a large import's), or still has day folders from an
// older earshot into one file, sorted by user and time, listen_id stored (src/lake/layout.ts), so reads
// open one file per month and skip most of it.
//
// The swap is journalled: the new file is written aside, a journal naming it and the files it replaces is
// synced, the new file is renamed into place, the old ones are removed, the journal goes. A process that
// dies in between leaves the journal; whoever next takes the lake's write lock (lockLake) finishes the
// removal, or drops the unpublished file, so the lake never keeps a listen twice or loses one.
// In the moment between the rename and the removals a reader in another process could see a month
// twice, and a read that listed the old files could miss them: `earshot lake compact` refuses to run
// while a server or `earshot stream` holds the data directory. The server compacts its own crowded
// months (src/serve/compaction.ts), holding its readers during the swap.
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { EarshotError, UsageError } from '../util/errors.js';
import { lit, openDb, scalar } from '../util/db.js';
import { isUnsorted, LISTEN_ORDER, LISTEN_ROW_GROUP, MONTH_PREFIX, listenPartitions, listensSelect } from './layout.js';
import { acquireLock, lockHolder } from './lock.js';
import type { DataPaths } from './paths.js';
import { dataPaths } from './paths.js';

interface Journal {
  /** The compacted file, once renamed into place. */
  readonly final: string;
  /** Where it is written first. */
  readonly tmp: string;
  /** The files it replaces. */
  readonly old: readonly string[];
}

const journalPath = (paths: DataPaths): string => join(paths.table('listens'), '.compact.json');

/** Finishes or undoes a compaction a dead process left half done. Call with the write lock held. */
export async function recoverCompaction(paths: DataPaths): Promise<'none' | 'finished' | 'undone'> {
  const path = journalPath(paths);
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return 'none';
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
  } catch {
    // A journal that was not fully written was never acted on: the rename comes after its sync.
    await rm(path, { force: true });
    return 'undone';
  }
  const published = existsSync(j.final);
  if (published) await removeFiles(j.old);
  else await rm(j.tmp, { force: true });
  await rm(path, { force: true });
  return published ? 'finished' : 'undone';
}

/** Takes the lake's write lock (one writer per data directory) and repairs a compaction left half done. */
export async function lockLake(paths: DataPaths): Promise<() => Promise<void>> {
  const release = await acquireLock(paths.lock);
  try {
    await recoverCompaction(paths);
  } catch (err) {
    await release();
    throw err;
  }
  return release;
}

async function removeFiles(files: readonly string[]): Promise<void> {
  for (const f of files) await rm(f, { force: true });
  // Day folders emptied by the move go too; month folders stay (they receive the new file).
  for (const d of new Set(files.map((f) => dirname(f)))) {
    if (existsSync(d) && readdirSync(d).length === 0) await rmdir(d).catch(() => undefined);
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface MonthPlan {
  readonly month: string;
  /** Files in the month folder (dt in the files). */
  readonly monthFiles: readonly string[];
  /** Files in day folders (dt only in the path). */
  readonly dayFiles: readonly string[];
}

/** Every file a month's compaction reads and replaces. */
export const planFiles = (m: MonthPlan): string[] => [...m.monthFiles, ...m.dayFiles];

/** True when some file of the month has its rows in file order (a large import's). */
export const inFileOrder = (m: MonthPlan): boolean => m.monthFiles.some(isUnsorted);

/** The months that need compacting: more than one file, a file in file order, or any file in a day folder. */
export function compactionPlan(paths: DataPaths): MonthPlan[] {
  const byMonth = new Map<string, MonthPlan & { monthFiles: string[]; dayFiles: string[] }>();
  for (const p of listenPartitions(paths.table('listens'))) {
    let m = byMonth.get(p.month);
    if (!m) byMonth.set(p.month, (m = { month: p.month, monthFiles: [], dayFiles: [] }));
    (p.kind === 'month' ? m.monthFiles : m.dayFiles).push(...p.files);
  }
  return [...byMonth.values()].filter((m) => m.monthFiles.length > 1 || m.dayFiles.length > 0 || inFileOrder(m));
}

/** Files in one month of listens past which imports and the server suggest compaction. */
export const CROWDED_MONTH = 8;

/** The months with CROWDED_MONTH files or more, or a file in file order. */
export const crowdedMonths = (paths: DataPaths): MonthPlan[] => compactionPlan(paths).filter((m) => inFileOrder(m) || planFiles(m).length >= CROWDED_MONTH);

/** A line suggesting `earshot lake compact` when some month has CROWDED_MONTH files or more or is in file order, else null. */
export function compactionHint(paths: DataPaths): string | null {
  const plan = crowdedMonths(paths);
  if (plan.length === 0) return null;
  const unsorted = plan.filter(inFileOrder).length;
  const crowded = plan.length - unsorted;
  const why = [
    unsorted > 0 ? `${unsorted} month${unsorted === 1 ? ' is' : 's are'} in file order (a large import leaves the sort to compaction)` : '',
    crowded > 0 ? `${crowded} month${crowded === 1 ? ' has' : 's have'} ${CROWDED_MONTH} or more listens files (each import and server flush adds one)` : '',
  ].filter(Boolean);
  return `${why.join('; ')}: \`earshot lake compact --data ${paths.root}\` makes each month one sorted file, and recaps and profiles read faster (a running server does it by itself)`;
}

export interface CompactResult {
  /** Months rewritten. */
  readonly months: number;
  readonly filesBefore: number;
  readonly filesAfter: number;
  readonly rows: number;
  readonly seconds: number;
}

export interface CompactOptions {
  readonly dataDir: string;
  readonly onMonth?: (done: number, total: number, month: string) => void;
}

/** Runs a month's swap (the rename and the removals); the server passes one that first waits for, and holds, every reader. */
export type Swap = (work: () => Promise<void>) => Promise<void>;

/**
 * Compacts the planned months on `conn`, one at a time. Call with the write lock held (lockLake). Returns
 * the listens rewritten and the files replaced.
 */
export async function compactMonths(
  conn: DuckDBConnection,
  paths: DataPaths,
  plan: readonly MonthPlan[],
  o: { swap?: Swap; onMonth?: CompactOptions['onMonth'] } = {},
): Promise<{ rows: number; filesBefore: number }> {
  const swap: Swap = o.swap ?? ((work) => work());
  await mkdir(paths.tmp, { recursive: true });
  let rows = 0;
  let filesBefore = 0;
  for (const [i, m] of plan.entries()) {
    o.onMonth?.(i, plan.length, m.month);
    const id = `c${Date.now().toString(36)}${process.pid.toString(36)}`;
    const list = (files: readonly string[]) => (files.length ? `[${files.map(lit).join(', ')}]` : null);
    const source = listensSelect(list(m.monthFiles), list(m.dayFiles));
    const j: Journal = { tmp: join(paths.tmp, `listens-${m.month}-${id}.parquet`), final: join(paths.table('listens'), `${MONTH_PREFIX}${m.month}`, `part-${id}-0.parquet`), old: planFiles(m) };
    const n = Number(await scalar(conn, `COPY (SELECT * FROM (${source}) ORDER BY ${LISTEN_ORDER}) TO ${lit(j.tmp)} (FORMAT parquet, ROW_GROUP_SIZE ${LISTEN_ROW_GROUP})`));
    await writeSynced(journalPath(paths), JSON.stringify(j));
    await swap(async () => {
      await mkdir(dirname(j.final), { recursive: true });
      await rename(j.tmp, j.final);
      await removeFiles(j.old);
    });
    await rm(journalPath(paths), { force: true });
    rows += n;
    filesBefore += j.old.length;
  }
  o.onMonth?.(plan.length, plan.length, '');
  return { rows, filesBefore };
}

/** `earshot lake compact`: every month that needs it, refused while a server or stream holds the data directory. */
export async function compactLake(o: CompactOptions): Promise<CompactResult> {
  const t0 = performance.now();
  const paths = dataPaths(o.dataDir);
  if (!existsSync(paths.root)) {
    throw new UsageError(`no data directory at ${paths.root}`, { hint: 'pass the folder earshot import wrote to with --data DIR (or set EARSHOT_DATA)' });
  }
  const streaming = await lockHolder(paths.streamLock);
  if (streaming !== null) {
    throw new EarshotError(`a server or \`earshot stream\` (pid ${streaming}) is running on ${paths.root}; compaction removes files it may be reading`, {
      retriable: true,
      hint: 'stop it, run earshot lake compact, then start it again',
    });
  }
  const release = await lockLake(paths);
  const db = await openDb();
  try {
    const plan = compactionPlan(paths);
    const r = await compactMonths(db.conn, paths, plan, o.onMonth ? { onMonth: o.onMonth } : {});
    return { months: plan.length, filesBefore: r.filesBefore, filesAfter: plan.length, rows: r.rows, seconds: (performance.now() - t0) / 1000 };
  } finally {
    db.close();
    await release();
  }
}
