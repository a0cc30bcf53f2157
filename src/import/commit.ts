// Lands staged rows in the lake: collects rejects, drops duplicates (within the import, first row wins;
// and against what the lake already holds), fills listen names from the catalogue, and writes Parquet
// into a temporary folder that is then moved into place file by file.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { tableSpec, type TableName } from '../model/schema.js';
import { all, lit, scalar } from '../util/db.js';
import { LISTEN_ORDER, LISTEN_ROW_GROUP, MONTH_PREFIX, SORT_AT_IMPORT, UNSORTED_PREFIX, UTC_DAY } from '../lake/layout.js';
import type { DataPaths } from '../lake/paths.js';
import { tableRelation } from '../lake/views.js';
import { TABLE_IMPORT } from './tables.js';

export interface StagedOutput {
  readonly stage: string;
  readonly table: TableName;
  readonly origin: string;
  readonly source: string;
  readonly ord: number;
  readonly locKind: 'line' | 'record';
  /** How the stage spells its rows' line: its own `_line` column, or `rowid + offset`. */
  readonly lineOffset?: number;
}

export interface OriginTableCounts {
  read: number;
  accepted: number;
  duplicatesInImport: number;
  duplicatesInLake: number;
  rejected: number;
}

export interface TableCommit {
  readonly table: TableName;
  readonly written: number;
  /** origin -> counts */
  readonly byOrigin: Map<string, OriginTableCounts>;
}

export interface CommitContext {
  readonly conn: DuckDBConnection;
  readonly paths: DataPaths;
  readonly importId: string;
  readonly ingestedAt: string;
  /** Temp table collecting every reject of the import. */
  readonly rejectsTable: string;
  /** Most listens an import writes sorted (default SORT_AT_IMPORT; tests lower it). */
  readonly sortAtImport?: number;
}

/** Tables in commit order: catalogues first, so listens can take names from them. */
export const COMMIT_ORDER: readonly TableName[] = ['tracks', 'artists', 'tags', 'listens', 'other_plays', 'play_counts', 'artist_tags'];

/** Most months of listens an import writes one COPY each; past it, one partitioned COPY (see commitTable). */
const MONTHS_ONE_BY_ONE = 12;

/** The month after `ym` (YYYY-MM). */
function nextMonth(ym: string): string {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The months from `lo` to `hi` (YYYY-MM, which sort as they come). */
function monthsBetween(lo: string, hi: string): string[] {
  const out: string[] = [];
  for (let m = lo; m <= hi; m = nextMonth(m)) out.push(m);
  return out;
}

/** The key columns of a table, quoted, optionally qualified. */
function keyCols(table: TableName, alias = ''): string[] {
  return TABLE_IMPORT[table].key.map((c) => `${alias ? `${alias}.` : ''}"${c}"`);
}

const num = (v: unknown): number => Number(v ?? 0);

export async function commitTable(ctx: CommitContext, table: TableName, staged: readonly StagedOutput[]): Promise<TableCommit> {
  const { conn, paths } = ctx;
  const byOrigin = new Map<string, OriginTableCounts>();
  if (staged.length === 0) return { table, written: 0, byOrigin };
  const view = `all_${table}_${ctx.importId}`;
  // Every stage table has a `_dup` column (NULL); duplicates are marked there in place ('import' or
  // 'lake'), so the final write is a plain filter rather than an anti-join over every row.
  await conn.run(
    `CREATE OR REPLACE TEMP VIEW ${view} AS ` +
      staged
        .map(
          (s, sid) =>
            `SELECT ${sid} AS _sid, ${s.ord} AS _ord, rowid AS _rid, ${lit(s.origin)} AS origin, ${lit(s.source)} AS source, ${lit(s.locKind)} AS _lockind, ` +
            (s.lineOffset === undefined ? `* FROM ${s.stage}` : `rowid + ${s.lineOffset} AS _line, * FROM ${s.stage}`),
        )
        .join(' UNION ALL BY NAME '),
  );
  const have = new Set((await all(conn, `DESCRIBE ${view}`)).map((r) => String(r['column_name'])));

  await conn.run(
    `INSERT INTO ${ctx.rejectsTable} SELECT ${lit(ctx.importId)}, origin, ${lit(table)}, _lockind, _line, _field, _reason, _got, _raw FROM ${view} WHERE _reason IS NOT NULL`,
  );
  for (const r of await all(conn, `SELECT origin, count(*) AS n, count(*) FILTER (WHERE _reason IS NOT NULL) AS bad FROM ${view} GROUP BY origin`)) {
    byOrigin.set(String(r['origin']), { read: num(r['n']), rejected: num(r['bad']), accepted: 0, duplicatesInImport: 0, duplicatesInLake: 0 });
  }

  const key = keyCols(table).join(', ');
  const lakeRel = await tableRelation(conn, paths, tableSpec(table));
  const lakeSrc = lakeRel ? `(${lakeRel})` : null;
  const existing = `existing_${table}_${ctx.importId}`;
  const dropped = `dropped_${table}_${ctx.importId}`;
  const mark = async (rows: string, flag: 'import' | 'lake'): Promise<void> => {
    for (const [sid, s] of staged.entries()) {
      await conn.run(`UPDATE ${s.stage} SET _dup = '${flag}' WHERE rowid IN (SELECT _rid FROM (${rows}) WHERE _sid = ${sid})`);
    }
  };
  // Within the import the first row of a key wins; the others are duplicates in the import. Candidates are
  // found by grouping one 64-bit hash of the key (much cheaper than grouping the key's strings); the
  // window then partitions the few candidate rows by the key itself, so a hash collision costs nothing.
  const hashKey = `hash(${keyCols(table).join(', ')})`;
  const dupKeyTable = `dupkeys_${table}_${ctx.importId}`;
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${dupKeyTable} AS SELECT h FROM (SELECT ${hashKey} AS h FROM ${view} WHERE _reason IS NULL) GROUP BY h HAVING count(*) > 1`);
  const dupKeys = num(await scalar(conn, `SELECT count(*) FROM ${dupKeyTable}`));
  if (dupKeys > 0) {
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${dropped} AS
      SELECT _sid, _rid FROM (
        SELECT _sid, _rid, row_number() OVER (PARTITION BY ${key} ORDER BY _ord, _line) AS rn
        FROM ${view} WHERE _reason IS NULL AND ${hashKey} IN (SELECT h FROM ${dupKeyTable})
      ) WHERE rn > 1`);
    await mark(`SELECT _sid, _rid FROM ${dropped}`, 'import');
  }
  // A first row whose key the lake already holds is a duplicate of what is stored.
  if (lakeSrc) {
    // Listens can only collide with listens of the same days: read just those partitions.
    let days = '';
    if (table === 'listens') {
      const r = (await all(conn, `SELECT epoch_ms(min(listened_at)) // 86400000 AS lo, epoch_ms(max(listened_at)) // 86400000 AS hi FROM ${view} WHERE _reason IS NULL`))[0];
      if (r?.['lo'] !== null && r?.['lo'] !== undefined) {
        days = `WHERE dt BETWEEN DATE '1970-01-01' + CAST(${Number(r['lo'])} AS INTEGER) AND DATE '1970-01-01' + CAST(${Number(r['hi'])} AS INTEGER)`;
      }
    }
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${existing} AS SELECT DISTINCT ${key} FROM ${lakeSrc} ${days}`);
    const same = keyCols(table).map((k) => `a.${k} IS NOT DISTINCT FROM e.${k}`).join(' AND ');
    await mark(`SELECT _sid, _rid FROM ${view} a SEMI JOIN ${existing} e ON ${same} WHERE a._reason IS NULL AND a._dup IS NULL`, 'lake');
  }
  for (const r of await all(
    conn,
    `SELECT origin, count(*) FILTER (WHERE _dup = 'import') AS imp, count(*) FILTER (WHERE _dup = 'lake') AS lake FROM ${view} WHERE _dup IS NOT NULL GROUP BY origin`,
  )) {
    const c = byOrigin.get(String(r['origin']))!;
    c.duplicatesInImport = num(r['imp']);
    c.duplicatesInLake = num(r['lake']);
  }

  const spec = tableSpec(table);
  const tracksRel = table === 'listens' ? await tableRelation(conn, paths, tableSpec('tracks')) : null;
  const tracksSrc = tracksRel ? `(${tracksRel})` : null;
  const enrich: Record<string, string> = tracksSrc ? { track_name: 'title', artist_name: 'artist_name', album_name: 'album_name' } : {};
  // Two layers: `rows` reads the columns that vary from row to row (and, for listens, sorts them); the
  // outer SELECT adds what is computed or constant: NULL for columns the input does not have (listen_id
  // among them: src/lake/layout.ts), origin and source from the stage's number, ingested_at, dt and month.
  // Computed before a sort they would be carried through it: 20 all-NULL columns and a 16-character hash
  // per row made the sort of 10M listens hold 5 GB.
  const inner = ['a._sid AS _sid'];
  const outer = spec.columns.map((c) => {
    if (c.name === 'ingested_at') return `TIMESTAMPTZ ${lit(ctx.ingestedAt)} AS ingested_at`;
    if (c.name === 'origin' || c.name === 'source') {
      const values = staged.map((x) => (c.name === 'origin' ? x.origin : x.source));
      const one = values.every((v) => v === values[0]);
      return `${one ? lit(values[0]!) : `CASE r._sid ${values.map((v, i) => `WHEN ${i} THEN ${lit(v)}`).join(' ')} END`} AS "${c.name}"`;
    }
    const fromCatalogue = enrich[c.name];
    if (!have.has(c.name) && !fromCatalogue) return `NULL::${c.type} AS "${c.name}"`;
    const own = have.has(c.name) ? `a."${c.name}"` : `NULL::${c.type}`;
    inner.push(`${fromCatalogue ? `coalesce(${own}, t."${fromCatalogue}")` : own} AS "${c.name}"`);
    return `r."${c.name}"`;
  });
  // The UTC day (src/lake/layout.ts).
  if (table === 'listens') outer.push(`${UTC_DAY('r.listened_at')} AS dt`);
  const join_ = tracksSrc
    ? `LEFT JOIN (SELECT track_key, any_value(title) AS title, any_value(artist_name) AS artist_name, any_value(album_name) AS album_name FROM ${tracksSrc} GROUP BY track_key) t ON t.track_key = a.track_key`
    : '';
  const where = 'a._reason IS NULL AND a._dup IS NULL';
  for (const c of byOrigin.values()) c.accepted = c.read - c.rejected - c.duplicatesInImport - c.duplicatesInLake;
  const accepted = [...byOrigin.values()].reduce((n, c) => n + c.accepted, 0);
  // Listens are written in the lake's order (user, then time) unless there are too many to sort cheaply:
  // then in file order, into `unsorted-*` files that compaction sorts (src/lake/layout.ts).
  const sorted = table === 'listens' && accepted <= (ctx.sortAtImport ?? SORT_AT_IMPORT);
  const tmpRoot = join(paths.tmp, ctx.importId, table);
  await rm(tmpRoot, { recursive: true, force: true });
  await mkdir(tmpRoot, { recursive: true });
  const name = `${sorted || table !== 'listens' ? 'part-' : UNSORTED_PREFIX}${ctx.importId}`;
  const rows = (filter = '') => `SELECT ${inner.join(', ')} FROM ${view} a ${join_} WHERE ${where}${filter}${sorted ? ` ORDER BY ${LISTEN_ORDER}` : ''}`;
  const copy = (select: string, to: string, extra = '') => `COPY (SELECT ${outer.join(', ')}${extra} FROM (${select}) r) TO ${to}`;
  // Sorted, insertion order kept (which was also faster here); otherwise in any order, which keeps both
  // threads busy. (Staging needs the order kept, so it is switched off only around this write.)
  if (!sorted) await conn.run('SET preserve_insertion_order = false');
  let written = 0;
  try {
    if (table !== 'listens') {
      written = num(await scalar(conn, copy(rows(), `${lit(join(tmpRoot, `${name}.parquet`))} (FORMAT parquet)`)));
    } else {
      const span = (await all(conn, `SELECT strftime(min(${UTC_DAY('a.listened_at')}), '%Y-%m') AS lo, strftime(max(${UTC_DAY('a.listened_at')}), '%Y-%m') AS hi FROM ${view} a WHERE ${where}`))[0];
      const months = span?.['lo'] ? monthsBetween(String(span['lo']), String(span['hi'])) : [];
      const opts = `FORMAT parquet, ROW_GROUP_SIZE ${LISTEN_ROW_GROUP}`;
      if (months.length <= MONTHS_ONE_BY_ONE) {
        // One COPY per month: a partitioned COPY of 10M listens took twice as long, most of it buffering
        // the all-NULL columns per partition. Each month's scan of the staged rows skips the others' row
        // groups when the file is in time order, as exports and event logs are.
        for (const m of months) {
          const dir = join(tmpRoot, `${MONTH_PREFIX}${m}`);
          await mkdir(dir, { recursive: true });
          const file = join(dir, `${name}-0.parquet`);
          const filter = ` AND a.listened_at >= TIMESTAMPTZ '${m}-01 00:00:00+00' AND a.listened_at < TIMESTAMPTZ '${nextMonth(m)}-01 00:00:00+00'`;
          const n = num(await scalar(conn, copy(rows(filter), `${lit(file)} (${opts})`)));
          // A month between the first and the last with no listens gets no file.
          if (n === 0) await rm(dir, { recursive: true, force: true });
          written += n;
        }
      } else {
        // Many months: one partitioned COPY, which scans the staged rows once.
        const month = `, strftime(${UTC_DAY('r.listened_at')}, '%Y-%m') AS month`;
        written = num(await scalar(conn, copy(rows(), `${lit(tmpRoot)} (${opts}, PARTITION_BY (month), FILENAME_PATTERN ${lit(`${name}-{i}`)}, OVERWRITE_OR_IGNORE)`, month)));
      }
    }
  } finally {
    if (!sorted) await conn.run('SET preserve_insertion_order = true');
  }

  if (written > 0) await publish(tmpRoot, paths.table(table));
  await rm(tmpRoot, { recursive: true, force: true });
  return { table, written, byOrigin };
}

/** Moves every file under `from` to the same relative place under `to`. */
async function publish(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) await publish(src, dst);
    else if (e.name.endsWith('.parquet')) await rename(src, dst);
  }
}

/** Creates the temp table that collects rejects for one import. */
export async function createRejectsTable(conn: DuckDBConnection, name: string): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${name} (import_id VARCHAR, file VARCHAR, "table" VARCHAR, loc_kind VARCHAR, loc BIGINT, field VARCHAR, reason VARCHAR, got VARCHAR, raw VARCHAR)`,
  );
}

