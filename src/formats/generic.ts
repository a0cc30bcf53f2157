// Any CSV, NDJSON or Parquet file of listens, with the columns named by the user: generic-csv,
// generic-ndjson, generic-parquet. Chosen only with --format (detection never picks them), with
// --map canonical=source pairs (opts.mapping), e.g. user_id=uid,listened_at=played,track_name=title,
// artist_name=artist. Every mapped value is read as its canonical column's type (listened_at: ISO-8601
// text, a native timestamp, or Unix s/ms/µs/ns decided by magnitude; ms_played: milliseconds); a value
// that does not read is rejected naming the source column. Needed: listened_at, a track column
// (track_name, spotify_track_uri, song_id, isrc or recording_mbid) and user_id — or --user, which is
// also used for rows whose mapped user is empty. Unmapped action is 'play' (unknown outcome).
// generic-csv takes the delimiter its header uses most: comma, semicolon, tab or |.
// For NDJSON the source may be a key or a JSON path starting with $ (e.g. $.track.title).
import { LISTEN_COLUMNS } from '../model/schema.js';
import { parquetColumnsOrNull } from './canonical-parquet-schema.js';
import { canonicalOutput } from './canonical.js';
import { csvColumns, findColumn, jsonTypesFor, sniffDelimiter } from './generic-sql.js';
import type { Format, FormatOptions, JsonField, OutputSpec } from './types.js';

const PIPELINE = new Set(['listen_id', 'track_key', 'source', 'origin', 'ingested_at']);
const MAPPABLE = LISTEN_COLUMNS.map((c) => c.name).filter((n) => !PIPELINE.has(n));
const TRACK = ['track_name', 'spotify_track_uri', 'song_id', 'isrc', 'recording_mbid'];
const EXAMPLE = '--map user_id=uid,listened_at=played,track_name=title,artist_name=artist';

/** The checked mapping canonical column -> source column (as the file names it, when `columns` are known). */
export function resolveMapping(format: string, opts: FormatOptions, columns?: readonly string[]): Map<string, string> {
  const mapping = opts.mapping ?? {};
  const out = new Map<string, string>();
  if (Object.keys(mapping).length === 0) throw new Error(`${format} needs a column mapping: ${EXAMPLE}`);
  for (const [canon, source] of Object.entries(mapping)) {
    if (!MAPPABLE.includes(canon)) {
      throw new Error(`--map ${canon}=${source}: "${canon}" is not a listens column you can map; use one of ${MAPPABLE.join(', ')}`);
    }
    if (typeof source !== 'string' || source.trim() === '') throw new Error(`--map ${canon}=: name the source column`);
    let name = source;
    if (columns) {
      const found = findColumn(columns, source);
      if (found === undefined) throw new Error(`--map ${canon}=${source}: the file has no column "${source}" (columns: ${columns.slice(0, 40).join(', ')})`);
      name = found;
    }
    out.set(canon, name);
  }
  if (!out.has('listened_at')) throw new Error(`${format} needs the start time: --map listened_at=COLUMN (${EXAMPLE})`);
  if (!TRACK.some((t) => out.has(t))) throw new Error(`${format} needs a track column: --map track_name=COLUMN (or one of ${TRACK.join(', ')})`);
  if (!out.has('user_id') && opts.user === undefined) throw new Error(`${format} needs the user: pass --map user_id=COLUMN or --user ID`);
  return out;
}

function output(mapping: Map<string, string>, raw: (canon: string, source: string) => string, opts: FormatOptions): OutputSpec {
  return canonicalOutput(
    'listens',
    (n) => {
      const source = mapping.get(n);
      return source === undefined ? undefined : raw(n, source);
    },
    opts,
    (n) => mapping.get(n) ?? n,
  );
}

export const genericCsv: Format = {
  name: 'generic-csv',
  description: 'any CSV of listens with a header, columns named with --map canonical=source (only with --format generic-csv)',
  detect: () => 0,
  reader: (s) => ({ kind: 'csv', header: true, delim: sniffDelimiter(s.head) }),
  outputs: (s, opts) => {
    const mapping = resolveMapping('generic-csv', opts, csvColumns(s.head, sniffDelimiter(s.head)));
    return [output(mapping, (_c, source) => source, opts)];
  },
};

/** A JSON path for a source key (a `$...` source is already a path). */
function jsonPath(source: string): string {
  if (source.startsWith('$')) return source;
  if (source.includes('"')) throw new Error(`--map: a JSON key with a double quote needs a path, e.g. $."..."`);
  return `$."${source}"`;
}

export const genericNdjson: Format = {
  name: 'generic-ndjson',
  description: 'any NDJSON of listens, keys (or $ paths) named with --map canonical=source (only with --format generic-ndjson)',
  detect: () => 0,
  reader: (_s, opts) => {
    const mapping = resolveMapping('generic-ndjson', opts);
    const fields: Record<string, JsonField> = {};
    for (const [canon, source] of mapping) {
      const type = LISTEN_COLUMNS.find((c) => c.name === canon)!.type;
      fields[canon] = { path: jsonPath(source), types: jsonTypesFor(type) };
    }
    return { kind: 'ndjson', fields };
  },
  outputs: (_s, opts) => {
    const mapping = resolveMapping('generic-ndjson', opts);
    return [output(mapping, (canon) => canon, opts)];
  },
};

export const genericParquet: Format = {
  name: 'generic-parquet',
  description: 'any Parquet file of listens, columns named with --map canonical=source (only with --format generic-parquet)',
  detect: () => 0,
  reader: () => ({ kind: 'parquet' }),
  outputs: (s, opts) => {
    const cols = parquetColumnsOrNull(s.path);
    if (!cols) throw new Error('not a readable Parquet file (no footer with a schema)');
    const mapping = resolveMapping('generic-parquet', opts, cols);
    return [output(mapping, (_c, source) => source, opts)];
  },
};
