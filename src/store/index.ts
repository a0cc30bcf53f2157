// Opens the report store of a data directory. Only DuckDB today (DATA/store.duckdb); a PostgreSQL
// backend would be a sibling folder implementing the same ReportStore interface.
import { join } from 'node:path';
import { openDuckDbStore } from './duckdb/index.js';
import type { ReportStore, StoreOptions } from './types.js';

export type { GenerationInfo, GenerationWriter, PutResult, ReportQuery, ReportStore, StoredReport, StoredReportInfo, StoreOptions } from './types.js';

export const STORE_FILE = 'store.duckdb';

export function storePath(dataDir: string): string {
  return join(dataDir, STORE_FILE);
}

export function openStore(dataDir: string, opts: StoreOptions = {}): Promise<ReportStore> {
  return openDuckDbStore(storePath(dataDir), opts);
}
