// Test helpers: a fresh data directory per test, and SQL over its lake.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryLake } from '../../src/lake/query.js';

export async function tempDir(prefix = 'earshot-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Rows of a query over the lake in `dataDir`. */
export async function q(dataDir: string, sql: string): Promise<Record<string, unknown>[]> {
  return (await queryLake(dataDir, sql)).rows;
}

/** A single value. */
export async function one(dataDir: string, sql: string): Promise<unknown> {
  const rows = await q(dataDir, sql);
  const first = rows[0];
  return first ? Object.values(first)[0] : undefined;
}

/**
 * The shared real datasets (tests and benchmarks may read them; the product never does): $EARSHOT_DATASETS,
 * else ../shared/datasets beside the checkout, else /work/shared/datasets. Tests that need them fail under
 * CI=true when none is found, and skip with a message elsewhere.
 */
export const DATASETS: string =
  [process.env['EARSHOT_DATASETS'], join(process.cwd(), '..', 'shared', 'datasets'), '/work/shared/datasets'].find(
    (p): p is string => !!p && existsSync(join(p, 'README.md')),
  ) ?? '';

/** `skip` option for tests that read the shared datasets. */
export function needsDatasets(): { skip?: string } {
  if (DATASETS) return {};
  if (process.env['CI'] === 'true') throw new Error('shared datasets not found: set EARSHOT_DATASETS to the datasets folder');
  return { skip: 'shared datasets not found (set EARSHOT_DATASETS to ../shared/datasets)' };
}
