// Files already in earshot's own shape (canonical-parquet, canonical-csv, canonical-ndjson): columns
// named as the canonical `listens` or `tracks` columns (src/model/schema.ts), mapped by identity.
// - listens: the file has user_id, listened_at and a track column (track_name, spotify_track_uri,
//   song_id, isrc or recording_mbid).
// - tracks: the file has title and spotify_id or song_id, and neither user_id nor listened_at.
// Parquet files are told apart by the column names in their footer (read synchronously, see
// canonical-parquet-schema.ts); CSV by the header; NDJSON by the keys of the first records.
// Columns are matched by name ignoring case; other columns are ignored. Each value is read as its
// column's type (times: ISO-8601 text, a native timestamp, or Unix s/ms/µs/ns by magnitude); a value
// that does not read is rejected naming its column. listen_id and track_key are always recomputed
// (the same rules as every import), source becomes the format name and origin the file, ingested_at
// the import time. action: lower-cased, 'play' when absent; skipped: the file's value, else
// action = 'skip'. A listens file without user_id (forced with --format) takes --user, else 'me'.
import { LISTEN_COLUMNS, TRACK_COLUMNS, type ColumnSpec, type TableName } from '../model/schema.js';
import { lit } from '../util/db.js';
import { isParquetSample, parquetColumnsOrNull } from './canonical-parquet-schema.js';
import { actionCheck, actionOf, csvColumns, findColumn, headKeys, jsonTypesFor, typeCheck, typed, TIME_EXPECTED } from './generic-sql.js';
import { bool, q, str } from './sql.js';
import type { Check, Format, FormatOptions, JsonField, OutputSpec, Sample } from './types.js';

/** Columns the pipeline sets itself: never taken from the file. */
const PIPELINE = new Set(['listen_id', 'track_key', 'source', 'origin', 'ingested_at']);
const LISTEN_TRACK_COLUMNS = ['track_name', 'spotify_track_uri', 'song_id', 'isrc', 'recording_mbid'];

/** Which canonical table a set of column names (lower-case) describes, or null. */
export function canonicalTable(cols: ReadonlySet<string>, needUser: boolean): TableName | null {
  if (cols.has('listened_at') && LISTEN_TRACK_COLUMNS.some((c) => cols.has(c)) && (!needUser || cols.has('user_id'))) return 'listens';
  if (cols.has('title') && (cols.has('spotify_id') || cols.has('song_id')) && !cols.has('user_id') && !cols.has('listened_at')) return 'tracks';
  return null;
}

function notCanonical(cols: readonly string[]): Error {
  return new Error(
    'not a canonical file: expected listens columns (user_id, listened_at and one of ' +
      `${LISTEN_TRACK_COLUMNS.join(', ')}) or tracks columns (title and spotify_id or song_id, no user_id); ` +
      `the file has: ${cols.slice(0, 30).join(', ') || 'no columns'}`,
  );
}

const lower = (cols: readonly string[]): Set<string> => new Set(cols.map((c) => c.replace(/^\uFEFF/, '').toLowerCase()));

/**
 * The output of a canonical file: each canonical column of `table` the source has (`raw(name)` gives
 * the raw column), typed and checked.
 */
export function canonicalOutput(
  table: TableName,
  raw: (name: string) => string | undefined,
  opts: FormatOptions,
  label: (name: string) => string = (n) => n,
): OutputSpec {
  const specs: readonly ColumnSpec[] = table === 'listens' ? LISTEN_COLUMNS : TRACK_COLUMNS;
  const map: Record<string, string> = {};
  const checks: Check[] = [];
  for (const spec of specs) {
    if (PIPELINE.has(spec.name)) continue;
    const col = raw(spec.name);
    if (col === undefined) continue;
    if (spec.name === 'action') {
      map['action'] = `coalesce(${actionOf(col)}, 'play')`;
      checks.push({ ...actionCheck(col, false), field: label('action') });
      continue;
    }
    map[spec.name] = typed(spec.type, col);
    if (spec.name === 'listened_at') {
      checks.push({ field: label('listened_at'), bad: `(${typed(spec.type, col)}) IS NULL`, expected: TIME_EXPECTED, got: q(col) });
      continue;
    }
    const check = typeCheck(spec, col);
    if (check) checks.push({ ...check, field: label(spec.name) });
  }
  if (table === 'listens') {
    const action = raw('action');
    if (action === undefined) map['action'] = `'play'`;
    const skipped = raw('skipped');
    const fromAction = action === undefined ? 'false' : `(coalesce(${actionOf(action)}, 'play') = 'skip')`;
    map['skipped'] = skipped === undefined ? fromAction : `coalesce(${bool(skipped)}, ${fromAction})`;
    const user = raw('user_id');
    if (user === undefined) map['user_id'] = lit(opts.user ?? 'me');
    else if (opts.user !== undefined) map['user_id'] = `coalesce(${str(user)}, ${lit(opts.user)})`;
    if (raw('listened_at') === undefined) {
      map['listened_at'] = 'NULL::TIMESTAMPTZ';
      checks.unshift({ field: 'listened_at', bad: 'true', expected: 'a listened_at column' });
    }
  }
  return { table, map, checks };
}

export const canonicalParquet: Format = {
  name: 'canonical-parquet',
  description: "Parquet whose columns are earshot's canonical listens or tracks columns (told apart by the footer's column names)",
  detect: (s) => {
    if (!isParquetSample(s.head)) return 0;
    const cols = parquetColumnsOrNull(s.path);
    return cols && canonicalTable(lower(cols), true) ? 0.8 : 0;
  },
  reader: () => ({ kind: 'parquet' }),
  outputs: (s, opts) => {
    const cols = parquetColumnsOrNull(s.path);
    if (!cols) throw new Error('not a readable Parquet file (no footer with a schema)');
    const table = canonicalTable(lower(cols), false);
    if (!table) throw notCanonical(cols);
    return [canonicalOutput(table, (n) => findColumn(cols, n), opts)];
  },
};

export const canonicalCsv: Format = {
  name: 'canonical-csv',
  description: "CSV with a header naming earshot's canonical listens or tracks columns",
  detect: (s) => (canonicalTable(lower(csvColumns(s.head)), true) ? 0.6 : 0),
  reader: () => ({ kind: 'csv', header: true }),
  outputs: (s, opts) => {
    const cols = csvColumns(s.head);
    const table = canonicalTable(lower(cols), false);
    if (!table) throw notCanonical(cols);
    return [canonicalOutput(table, (n) => findColumn(cols, n), opts)];
  },
};

function ndjsonTable(s: Sample): TableName {
  const keys = headKeys(s.head);
  const table = canonicalTable(keys, false);
  if (!table) throw notCanonical([...keys]);
  return table;
}

export const canonicalNdjson: Format = {
  name: 'canonical-ndjson',
  description: "NDJSON whose keys are earshot's canonical listens or tracks columns",
  detect: (s) => {
    if (isParquetSample(s.head)) return 0;
    return canonicalTable(headKeys(s.head), true) ? 0.6 : 0;
  },
  reader: (s) => {
    const specs = ndjsonTable(s) === 'listens' ? LISTEN_COLUMNS : TRACK_COLUMNS;
    const fields: Record<string, JsonField> = {};
    for (const spec of specs) {
      if (PIPELINE.has(spec.name)) continue;
      fields[spec.name] = { path: `$.${spec.name}`, types: jsonTypesFor(spec.type) };
    }
    return { kind: 'ndjson', fields };
  },
  outputs: (s, opts) => {
    const table = ndjsonTable(s);
    const keys = headKeys(s.head);
    // Every canonical field is declared (absent keys read as NULL); user_id and listened_at count as
    // present only when the sample has them, so a forced file without them gets --user / a clear reject.
    return [canonicalOutput(table, (n) => (n === 'user_id' || n === 'listened_at' ? (keys.has(n) ? n : undefined) : n), opts)];
  },
};
