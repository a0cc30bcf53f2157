// ListenBrainz listens: the user export (JSONL, one listen a line, as in the export zip's
// listens/YYYY/M.jsonl; the older export's single JSON array is read too) and submit-listens payloads
// ({listen_type, payload: [...]}, the body of POST /1/submit-listens).
//
// Time: listened_at is Unix seconds and already the START of the play (ListenBrainz stores when the
// listen began), so it is taken as is. Values above 1e11 are milliseconds or nanoseconds, not seconds,
// and are rejected rather than guessed at.
// Action: ListenBrainz says nothing about skips or how long was played, so action = 'play',
// skipped and ms_played are NULL (additional_info.duration_ms is the track's length, not time played).
// User: the record's user_name when present, else --user, else 'me'.
// Ids: additional_info (what the client sent) wins over mbid_mapping (what ListenBrainz matched).
// Malformed ids (an MBID that is not a UUID, an ISRC that is not 12 characters, a spotify_id that is
// not a Spotify track URL or URI) are left out and the listen is kept, as the ListenBrainz API does
// with bad MBIDs in additional_info.
// playing_now payloads carry no listened_at and are not listens: each of their records is rejected
// ("playing_now listens are not stored"). Other listen_types (single, import, absent) are read alike;
// the API's own limits (one listen for 'single', tag counts, sizes) are not enforced on import.
import { readFileSync, statSync } from 'node:fs';
import { lit } from '../util/db.js';
import { q, required, str } from './sql.js';
import type { Check, FormatOptions, JsonField, Format, OutputSpec, Sample } from './types.js';

// ---- SQL helpers shared with the Last.fm / Libre.fm formats ------------------------------------

/** The user for exports that do not always name one: the raw column when given, else --user, else 'me'. */
export function userSql(opts: FormatOptions, col?: string): string {
  const fallback = lit(opts.user?.trim() || 'me');
  return col ? `coalesce(${str(col)}, ${fallback})` : fallback;
}

/** Unix seconds as a timestamp; NULL (never an error) for text, NaN or values out of range. */
export const secondsTs = (col: string): string => `try(to_timestamp(TRY_CAST(${str(col)} AS DOUBLE)))`;

/** Checks for a required Unix-seconds field: present, a number, not milli- or nanoseconds. */
export function secondsChecks(col: string, example: string): Check[] {
  const n = `TRY_CAST(${str(col)} AS DOUBLE)`;
  return [
    { field: col, bad: `${n} IS NULL OR isnan(${n}) OR isinf(${n})`, expected: `${col} as Unix seconds (a number like ${example})`, got: q(col) },
    {
      field: col,
      bad: `abs(${n}) >= 1e11`,
      expected: `${col} as Unix seconds (this number is too large: milliseconds or nanoseconds?)`,
      got: q(col),
    },
  ];
}

/** A MusicBrainz id, lower case. */
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

// The id patterns, each with the id as its first group: read by regexp_extract here and by the server's
// TypeScript reader of clean submissions (src/serve/ingest/fast-stage.ts), so both take the same ids.
/** A whole value that is one MBID (matched against the value lower-cased). */
export const MBID_PATTERN = String.raw`^\s*(${UUID})\s*$`;
/** The first MBID of a JSON array's text (or a single MBID), lower-cased. */
export const FIRST_MBID_PATTERN = String.raw`(?:^\s*|")(${UUID})(?:\s*$|")`;
/** An ISRC, matched against the value upper-cased with hyphens removed. */
export const ISRC_PATTERN = String.raw`^\s*([A-Z]{2}[A-Z0-9]{3}[0-9]{7})\s*$`;
/** A Spotify track id in a track URL, URI or on its own. */
export const SPOTIFY_TRACK_PATTERN = String.raw`(?:^\s*|open\.spotify\.com/(?:intl-[A-Za-z-]+/)?track/|spotify:track:)([A-Za-z0-9]{22})(?:[^A-Za-z0-9]|$)`;

// Each id is read with a single regexp_extract (one expression per id keeps planning cheap: a
// ListenBrainz export is many small files, each planned on its own).
const extract = (expr: string, re: string): string => `nullif(regexp_extract(${expr}, '${re}', 1), '')`;

/** A MusicBrainz id (lower case) when the raw value is a UUID, else NULL. */
export const mbidSql = (col: string): string => extract(`lower(${q(col)})`, MBID_PATTERN);

/** The first UUID of a JSON array of MBIDs (or a single MBID), else NULL. */
export const firstMbidSql = (col: string): string => extract(`lower(${q(col)})`, FIRST_MBID_PATTERN);

/** An ISRC (upper case, hyphens removed) when well formed, else NULL. */
export const isrcSql = (col: string): string => extract(`upper(replace(${q(col)}, '-', ''))`, ISRC_PATTERN);

/** spotify:track:ID from a Spotify track URL, URI or bare 22-character id, else NULL. */
export const spotifyUriSql = (col: string): string => `('spotify:track:' || ${extract(q(col), SPOTIFY_TRACK_PATTERN)})`;

/** A check that a text field holds no NUL character (ListenBrainz refuses them; they mean corruption). */
export const noNul = (col: string): Check => ({
  field: col,
  bad: `strpos(${q(col)}, chr(0)) > 0`,
  expected: `${col} without NUL (\\u0000) characters`,
  got: `replace(${q(col)}, chr(0), '\\u0000')`,
});

// ---- the listen record -----------------------------------------------------------------------

const TM = '$.track_metadata';
const AI = `${TM}.additional_info`;
const MM = `${TM}.mbid_mapping`;

/** Raw fields of one ListenBrainz listen (export line or payload item). */
const LISTEN_FIELDS: Readonly<Record<string, JsonField>> = {
  listened_at: { path: '$.listened_at', types: ['number'] },
  user_name: { path: '$.user_name', types: ['string'] },
  track_metadata: { path: TM, types: ['object'] },
  'track_metadata.artist_name': { path: `${TM}.artist_name`, types: ['string'] },
  'track_metadata.track_name': { path: `${TM}.track_name`, types: ['string'] },
  'track_metadata.release_name': { path: `${TM}.release_name`, types: ['string'] },
  ai_recording_mbid: { path: `${AI}.recording_mbid` },
  ai_artist_mbids: { path: `${AI}.artist_mbids` },
  ai_release_mbid: { path: `${AI}.release_mbid` },
  ai_isrc: { path: `${AI}.isrc` },
  ai_spotify_id: { path: `${AI}.spotify_id` },
  ai_media_player: { path: `${AI}.media_player` },
  ai_submission_client: { path: `${AI}.submission_client` },
  mm_recording_mbid: { path: `${MM}.recording_mbid` },
  mm_artist_mbids: { path: `${MM}.artist_mbids` },
  mm_release_mbid: { path: `${MM}.release_mbid` },
};

const ARTIST = 'track_metadata.artist_name';
const TRACK = 'track_metadata.track_name';
const RELEASE = 'track_metadata.release_name';

function listenOutput(opts: FormatOptions, first: readonly Check[] = []): OutputSpec {
  return {
    table: 'listens',
    map: {
      user_id: userSql(opts, 'user_name'),
      listened_at: secondsTs('listened_at'),
      artist_name: str(ARTIST),
      track_name: str(TRACK),
      album_name: str(RELEASE),
      spotify_track_uri: spotifyUriSql('ai_spotify_id'),
      isrc: isrcSql('ai_isrc'),
      recording_mbid: `coalesce(${mbidSql('ai_recording_mbid')}, ${mbidSql('mm_recording_mbid')})`,
      artist_mbid: `coalesce(${firstMbidSql('ai_artist_mbids')}, ${firstMbidSql('mm_artist_mbids')})`,
      release_mbid: `coalesce(${mbidSql('ai_release_mbid')}, ${mbidSql('mm_release_mbid')})`,
      platform: `coalesce(${str('ai_media_player')}, ${str('ai_submission_client')})`,
      action: `'play'`,
    },
    checks: [
      ...first,
      ...secondsChecks('listened_at', '1486449409'),
      required('track_metadata', 'a track_metadata object'),
      required(ARTIST, 'track_metadata.artist_name, a non-empty string'),
      required(TRACK, 'track_metadata.track_name, a non-empty string'),
      noNul(ARTIST),
      noNul(TRACK),
      noNul(RELEASE),
    ],
  };
}

/** The first non-blank character of the sample. */
const firstChar = (head: string): string => head.replace(/^\uFEFF/, '').trimStart().charAt(0);

/** True when the first line of the sample is a JSON object that looks like a listen. */
function looksLikeListenLine(head: string): boolean {
  const line = head.replace(/^\uFEFF/, '').split('\n')[0] ?? '';
  if (!line.trimStart().startsWith('{')) return false;
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    return 'listened_at' in o && typeof o['track_metadata'] === 'object';
  } catch {
    // A first line longer than the sample (or a broken one): judge by its opening.
    return /^\s*\{\s*"(listened_at|track_metadata|inserted_at|user_name)"\s*:/.test(line) && /"track_metadata"\s*:/.test(line);
  }
}

export const listenbrainzExport: Format = {
  name: 'listenbrainz-export',
  description: 'ListenBrainz export: JSONL, one listen a line (listened_at, track_metadata, user_name); also the older single JSON array',
  detect(s: Sample): number {
    if (looksLikeListenLine(s.head)) return 0.9;
    // Older exports: listens.json, one JSON array of listens.
    if (firstChar(s.head) === '[' && /"listened_at"\s*:/.test(s.head) && /"track_metadata"\s*:/.test(s.head)) return 0.8;
    return 0;
  },
  reader: (s) => (firstChar(s.head) === '[' ? { kind: 'json', fields: LISTEN_FIELDS } : { kind: 'ndjson', fields: LISTEN_FIELDS }),
  outputs: (_s, opts) => [listenOutput(opts)],
};

/** The payload's listen_type, read from the whole document (it may follow a long payload). */
export function listenTypeOf(sample: Sample): string | null {
  const re = /"listen_type"\s*:\s*"([^"]*)"/;
  let text = sample.head;
  try {
    if (statSync(sample.path).size > Buffer.byteLength(sample.head)) text = readFileSync(sample.path, 'utf8');
  } catch {
    // The head is all there is to go on.
  }
  try {
    const doc: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const t = (doc as Record<string, unknown>)['listen_type'];
      return typeof t === 'string' ? t : null;
    }
  } catch {
    // Not valid JSON as a whole (truncated, NaN): fall back to the text.
  }
  return re.exec(text)?.[1] ?? null;
}

export const listenbrainzSubmit: Format = {
  name: 'listenbrainz-submit',
  description: 'ListenBrainz submit-listens payload: {"listen_type": ..., "payload": [{listened_at, track_metadata}, ...]}',
  detect(s: Sample): number {
    if (firstChar(s.head) !== '{') return 0;
    const arr = /"payload"\s*:\s*\[/.test(s.head);
    if (arr && /"listen_type"\s*:/.test(s.head)) return 0.95;
    if (arr && /"track_metadata"\s*:/.test(s.head)) return 0.85;
    return 0;
  },
  reader: () => ({ kind: 'json', fields: LISTEN_FIELDS, arrayKey: 'payload' }),
  outputs(s, opts) {
    if (listenTypeOf(s) !== 'playing_now') return [listenOutput(opts)];
    const playingNow: Check = {
      field: 'listen_type',
      bad: 'true',
      expected: 'listen_type single or import: playing_now listens are not stored (they say what is playing, not a finished listen)',
      got: `'playing_now'`,
    };
    return [listenOutput(opts, [playingNow])];
  },
};
