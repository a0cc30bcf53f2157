// How listens are laid out in the lake, in one place for the writers (import, server flush, compaction)
// and the readers (the lake views, the stream's lake replay).
//
// One folder per UTC month, `listens/month=YYYY-MM/`, with `dt` (the UTC day) as a column. Files are
// sorted by user, then time, so a per-user read (a recap, a profile) opens a few files and skips most of
// their row groups on their user_id statistics. The exception: an import of more than SORT_AT_IMPORT
// listens writes them in file order, as `unsorted-*.parquet` (sorting 10M rows took longer than the rest
// of the import together), and compaction sorts those months later. Files written by imports leave
// listen_id empty: it is a hash of three stored columns, computed as the files are read (listensSelect)
// and stored once compaction rewrites them (computing and storing it took ~3 s of a 10M-row import).
//
// Day folders (`listens/dt=YYYY-MM-DD/`, dt only in the path, rows in any order; lakes written before
// this) made every per-user read open one file per day of history, ~0.8 ms of CPU each; they are still
// read, and `earshot lake compact` moves them over.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listenIdSql } from '../model/keys.js';
import { tableSpec } from '../model/schema.js';

export const MONTH_PREFIX = 'month=';
/** The name of a listens file whose rows are in file order, not sorted (compaction sorts them). */
export const UNSORTED_PREFIX = 'unsorted-';
/** Imports of up to this many listens write them sorted; larger ones leave the sort to compaction. */
export const SORT_AT_IMPORT = 1_000_000;
export const DAY_PREFIX = 'dt=';

/** A TIMESTAMPTZ's UTC day, by arithmetic on epoch ms: the day a cast through UTC gives, without the ICU calendar. */
export const UTC_DAY = (col: string): string => `DATE '1970-01-01' + CAST(epoch_ms(${col}) // 86400000 AS INTEGER)`;

/** The order of rows in every listens file: one user's listens together. */
export const LISTEN_ORDER = 'user_id, listened_at, track_key';

/**
 * Rows per row group of a listens file: small enough that one user's listens of a month sit in one or
 * two of them, large enough that full scans stay cheap.
 */
export const LISTEN_ROW_GROUP = 16_384;

/**
 * A SELECT of listens' columns and `dt` over files of month folders (dt in the files) and of day folders
 * (dt in the path). Each argument is what read_parquet takes as its files (a quoted glob or a list), or
 * null when there are none; null when both are.
 */
export function listensSelect(monthFiles: string | null, dayFiles: string | null): string | null {
  const cols = [
    ...tableSpec('listens').columns.map((c) =>
      c.name === 'listen_id' ? `coalesce(listen_id, ${listenIdSql('user_id', 'listened_at', 'track_key')}) AS listen_id` : `"${c.name}"`,
    ),
    'dt',
  ].join(', ');
  const parts: string[] = [];
  if (monthFiles) parts.push(`SELECT ${cols} FROM read_parquet(${monthFiles}, hive_partitioning=false)`);
  if (dayFiles) parts.push(`SELECT ${cols} FROM read_parquet(${dayFiles}, hive_partitioning=true, hive_types={dt: DATE})`);
  return parts.length ? parts.join(' UNION ALL ') : null;
}

export interface Partition {
  /** The folder name, e.g. `month=2026-01` or `dt=2026-01-07`. */
  readonly name: string;
  readonly kind: 'month' | 'day';
  /** YYYY-MM of the month it belongs to. */
  readonly month: string;
  /** First UTC day it can hold, YYYY-MM-DD. */
  readonly first: string;
  /** Its .parquet files, sorted by name, as full paths. */
  readonly files: string[];
}

/** True for a listens file written in file order. */
export const isUnsorted = (file: string): boolean => basename(file).startsWith(UNSORTED_PREFIX);

const MONTH_DIR = /^month=(\d{4}-\d{2})$/;
const DAY_DIR = /^dt=(\d{4}-\d{2})-(\d{2})$/;

/** Every partition folder of listens with at least one file, in time order (a month before its days). */
export function listenPartitions(dir: string): Partition[] {
  if (!existsSync(dir)) return [];
  const out: Partition[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const m = MONTH_DIR.exec(e.name);
    const d = m ? null : DAY_DIR.exec(e.name);
    if (!m && !d) continue;
    const files = readdirSync(join(dir, e.name)).filter((f) => f.endsWith('.parquet')).sort().map((f) => join(dir, e.name, f));
    if (files.length === 0) continue;
    if (m) out.push({ name: e.name, kind: 'month', month: m[1]!, first: `${m[1]!}-01`, files });
    else out.push({ name: e.name, kind: 'day', month: d![1]!, first: `${d![1]!}-${d![2]!}`, files });
  }
  return out.sort((a, b) => (a.first === b.first ? (a.kind === 'month' ? -1 : 1) : a.first < b.first ? -1 : 1));
}
