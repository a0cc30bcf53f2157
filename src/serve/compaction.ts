// The server keeps the lake compact itself: each flush adds a small file to the current month, and a
// month of many files makes every recap and profile read slower (src/lake/layout.ts). Once a month has
// CROWDED_MONTH files, the flusher merges all but its largest into one (so a big month is not rewritten
// for every few small files, and no month holds more than CROWDED_MONTH files for long). A month a large
// import left in file order is rewritten whole, sorted. The old files are removed while every reader of
// the server is held, so no read of its own is scanning them.
import { statSync } from 'node:fs';
import { compactMonths, crowdedMonths, inFileOrder, lockLake, type MonthPlan } from '../lake/compact.js';
import { dataPaths, type DataPaths } from '../lake/paths.js';
import type { ServeDb } from './db.js';

/** Crowded months, each without the largest file of its month folder (unless the month is in file order). */
export function serverPlan(paths: DataPaths): MonthPlan[] {
  return crowdedMonths(paths).map((m) => {
    if (m.monthFiles.length === 0 || inFileOrder(m)) return m;
    const sized = m.monthFiles.map((f) => ({ f, size: statSync(f).size }));
    const largest = sized.reduce((a, b) => (b.size > a.size ? b : a)).f;
    return { ...m, monthFiles: m.monthFiles.filter((f) => f !== largest) };
  });
}

/** Merges the small files of crowded months; returns how many months it compacted (0 when the lake's lock is taken). */
export async function compactCrowdedMonths(dataDir: string, db: ServeDb): Promise<number> {
  const paths = dataPaths(dataDir);
  if (crowdedMonths(paths).length === 0) return 0;
  const release = await lockLake(paths).catch(() => null);
  if (!release) return 0; // an import is writing: at a later flush
  const conn = await db.db.instance.connect();
  try {
    const plan = serverPlan(paths);
    await compactMonths(conn, paths, plan, { swap: (work) => db.exclusive(work) });
    return plan.length;
  } finally {
    conn.closeSync();
    await release();
  }
}
