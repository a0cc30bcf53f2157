// `--out DIR`: each report writes exactly one file, DIR/<report>/<report>.<csv|parquet|json>, with a
// header row (CSV) even when it has no rows. The file is written beside its final name and renamed
// into place, and anything else in that folder (an earlier run in another format) is removed.
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { lit } from '../util/db.js';

export type FileFormat = 'csv' | 'parquet' | 'json';
export const FILE_FORMATS: readonly FileFormat[] = ['csv', 'parquet', 'json'];

const COPY_OPTIONS: Record<FileFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet, COMPRESSION zstd',
  json: 'FORMAT json, ARRAY true',
};

/** Writes the rows of `source.relation` (or copies `source.parquetFile` when Parquet is asked for). */
export async function writeReportFile(conn: DuckDBConnection, source: { relation: string; parquetFile?: string }, outDir: string, report: string, format: FileFormat): Promise<string> {
  const dir = join(outDir, report);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${report}.${format}`);
  const partial = join(dir, `.${report}.${format}.partial`);
  if (format === 'parquet' && source.parquetFile) await copyFile(source.parquetFile, partial);
  else await conn.run(`COPY (SELECT * FROM ${source.relation}) TO ${lit(partial)} (${COPY_OPTIONS[format]})`);
  for (const f of await readdir(dir)) {
    if (join(dir, f) !== partial) await rm(join(dir, f), { recursive: true, force: true });
  }
  await rename(partial, file);
  return file;
}
