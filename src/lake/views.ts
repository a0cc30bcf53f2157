// Makes the lake queryable: one DuckDB view per table over its Parquet files (an empty, typed view
// when a table has no files yet), plus `rejects` and `imports` over the import logs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TABLES, type TableSpec } from '../model/schema.js';
import { lit } from '../util/db.js';
import { DAY_PREFIX, MONTH_PREFIX, listenPartitions, listensSelect } from './layout.js';
import type { DataPaths } from './paths.js';

/** True when the folder holds at least one .parquet file (at any depth). */
export function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const e of readdirSync(dir)) {
    if (e.startsWith('.')) continue;
    const p = join(dir, e);
    if (e.endsWith('.parquet')) return true;
    if (statSync(p).isDirectory() && hasParquet(p)) return true;
  }
  return false;
}

/** A SELECT of a table's columns over its files, or null when the table has no files. */
export async function tableRelation(_conn: DuckDBConnection, paths: DataPaths, t: TableSpec): Promise<string | null> {
  const dir = paths.table(t.name as Parameters<DataPaths['table']>[0]);
  if (t.name !== 'listens') return hasParquet(dir) ? `SELECT ${t.columns.map((c) => `"${c.name}"`).join(', ')} FROM read_parquet(${lit(join(dir, '*.parquet'))})` : null;
  // Month folders and, in a lake not yet compacted, day folders: src/lake/layout.ts.
  const kinds = new Set(listenPartitions(dir).map((p) => p.kind));
  const glob = (prefix: string) => lit(join(dir, `${prefix}*`, '*.parquet'));
  return listensSelect(kinds.has('month') ? glob(MONTH_PREFIX) : null, kinds.has('day') ? glob(DAY_PREFIX) : null);
}

export function emptyView(t: TableSpec): string {
  const cols = t.columns.map((c) => `NULL::${c.type} AS "${c.name}"`);
  if (t.name === 'listens') cols.push('NULL::DATE AS dt');
  return `SELECT ${cols.join(', ')} WHERE false`;
}

/** Creates (or replaces) a view per lake table on the connection. */
export async function attachLake(conn: DuckDBConnection, paths: DataPaths): Promise<void> {
  for (const t of TABLES) {
    await conn.run(`CREATE OR REPLACE VIEW ${t.name} AS ${(await tableRelation(conn, paths, t)) ?? emptyView(t)}`);
  }
  const rejectsGlob = join(paths.rejects, '*.ndjson');
  const hasRejects = existsSync(paths.rejects) && readdirSync(paths.rejects).some((f) => f.endsWith('.ndjson'));
  await conn.run(
    hasRejects
      ? `CREATE OR REPLACE VIEW rejects AS SELECT * FROM read_json(${lit(rejectsGlob)}, format='newline_delimited', union_by_name=true, columns={import_id: 'VARCHAR', file: 'VARCHAR', loc_kind: 'VARCHAR', loc: 'BIGINT', field: 'VARCHAR', reason: 'VARCHAR', got: 'VARCHAR', raw: 'VARCHAR'})`
      : `CREATE OR REPLACE VIEW rejects AS SELECT NULL::VARCHAR import_id, NULL::VARCHAR file, NULL::VARCHAR loc_kind, NULL::BIGINT loc, NULL::VARCHAR field, NULL::VARCHAR reason, NULL::VARCHAR got, NULL::VARCHAR raw WHERE false`,
  );
  await conn.run(
    existsSync(paths.imports)
      ? `CREATE OR REPLACE VIEW imports AS SELECT * FROM read_json(${lit(paths.imports)}, format='newline_delimited', union_by_name=true)`
      : `CREATE OR REPLACE VIEW imports AS SELECT NULL::VARCHAR import_id WHERE false`,
  );
}
