// Per-table import rules: the columns derived from others (identities), what makes a row valid, and the
// key that decides when two rows are the same row. Listens use the rules of src/model/rules.ts.
import { listenIdSql, trackKeySql } from '../model/keys.js';
import { LISTEN_RULES } from '../model/rules.js';
import type { TableName } from '../model/schema.js';

type Col = (name: string) => string;

export interface TableRule {
  readonly field: string;
  readonly sql: (c: Col) => string;
  readonly expected: string;
}

export interface TableImport {
  /** Columns computed from the mapped ones, in order (each may use earlier ones). */
  readonly derived: Readonly<Record<string, (c: Col) => string>>;
  readonly rules: readonly TableRule[];
  /** Columns whose values identify a row: a second row with the same key is a duplicate. */
  readonly key: readonly string[];
}

const present = (field: string, expected: string): TableRule => ({
  field,
  sql: (c) => `(${c(field)} IS NULL OR trim(CAST(${c(field)} AS VARCHAR)) = '')`,
  expected,
});

export const TABLE_IMPORT: Readonly<Record<TableName, TableImport>> = {
  listens: {
    derived: { track_key: (c) => trackKeySql(c) },
    rules: LISTEN_RULES,
    // listen_id is a hash of exactly these; deduping on them directly spares hashing every staged row.
    // Imports leave listen_id empty in the files; readers compute it (src/lake/layout.ts).
    key: ['user_id', 'listened_at', 'track_key'],
  },
  tracks: {
    derived: {
      track_key: (c) =>
        trackKeySql((n) =>
          n === 'spotify_track_uri'
            ? `('spotify:track:' || nullif(trim(${c('spotify_id')}), ''))`
            : n === 'track_name'
              ? c('title')
              : n === 'isrc' || n === 'recording_mbid'
                ? 'NULL'
                : c(n),
        ),
    },
    rules: [{ field: 'track', sql: (c) => `${c('track_key')} IS NULL`, expected: 'a track id or a title' }],
    key: ['track_key'],
  },
  other_plays: {
    derived: {
      play_id: (c) => listenIdSql(c('user_id'), c('played_at'), `coalesce(${c('uri')}, ${c('title')}, '')`),
    },
    rules: [
      present('user_id', 'a user id (pass --user ID for exports that do not name one)'),
      { field: 'played_at', sql: (c) => `${c('played_at')} IS NULL`, expected: 'a start time' },
    ],
    key: ['play_id'],
  },
  play_counts: {
    derived: {},
    rules: [
      present('user_id', 'a user id'),
      present('item_key', 'an item id'),
      { field: 'plays', sql: (c) => `(${c('plays')} IS NULL OR ${c('plays')} < 0)`, expected: 'a play count of 0 or more' },
    ],
    key: ['user_id', 'item_kind', 'item_key'],
  },
  artists: {
    derived: {},
    rules: [present('artist_key', 'an artist id')],
    key: ['artist_key'],
  },
  artist_tags: {
    derived: {},
    rules: [present('user_id', 'a user id'), present('artist_key', 'an artist id'), present('tag_id', 'a tag id')],
    key: ['user_id', 'artist_key', 'tag_id', 'tagged_on'],
  },
  tags: {
    derived: {},
    rules: [present('tag_id', 'a tag id')],
    key: ['tag_id'],
  },
};
