// Spotify track catalogues with audio features, both -> tracks keyed spotify:track:<track_id> (the same
// key as listens.spotify_track_uri), so listens from a Spotify history join them. A row without a
// well-formed track_id (22 base-62 characters) is rejected; the first row of a track_id wins (the
// datasets list a track once per genre, so later rows of the same id are duplicates).
//
// - spotify-tracks: the 114k "Spotify Tracks Dataset" layout (maharshipandya; CRLF in the wild): an
//   unnamed index column (header 'Unnamed: 0' or empty, ignored), track_id, artists (several joined
//   with ';' -> stored joined with '; '), album_name, track_name, popularity, duration_ms, explicit
//   (True/False), danceability, energy, key (0-11, -1 none), loudness, mode (1/0), speechiness,
//   acousticness, instrumentalness, liveness, valence, tempo, time_signature, track_genre -> genre.
// - spotify-features: the Kaggle SpotifyFeatures.csv layout: genre, artist_name, track_name, track_id,
//   popularity, acousticness, danceability, duration_ms, energy, instrumentalness, key as a letter
//   (C, C#, D ... B, flats accepted -> 0..11), liveness, loudness, mode Major/Minor -> 1/0,
//   speechiness, tempo, time_signature '4/4' -> 4 (a bare number accepted), valence.
import { csvHeader, sampleLine } from './readers.js';
import { bool, int, num, parses, q, str } from './sql.js';
import type { Check, Format, OutputSpec, Sample } from './types.js';

const headerOf = (head: string): Set<string> =>
  new Set(csvHeader(sampleLine(head.replace(/^\uFEFF/, ''), 0)).map((h) => h.toLowerCase()));

const hasAll = (head: string, cols: readonly string[]): boolean => {
  const h = headerOf(head);
  return cols.every((c) => h.has(c));
};

/** One source column: the canonical column it fills, how it is read, and what a bad value should have been. */
interface Column {
  readonly src: string;
  readonly dst: string;
  readonly read: (col: string) => string;
  /** When set, a present value that `read` turns into NULL is rejected, expecting this. */
  readonly expected?: string;
}

const col = (src: string, dst: string, read: (c: string) => string, expected?: string): Column =>
  expected === undefined ? { src, dst, read } : { src, dst, read, expected };

const FEATURES = ['danceability', 'energy', 'valence', 'tempo', 'acousticness', 'instrumentalness', 'speechiness', 'liveness', 'loudness'];
const featureCols = (): Column[] => FEATURES.map((c) => col(c, c, num, `${c} as a number`));

/** The tracks output of a catalogue layout, limited to the columns the file has (so --format on an odd file rejects, not fails). */
function catalogueOutput(sample: Sample, columns: readonly Column[]): OutputSpec[] {
  const header = headerOf(sample.head);
  const have = columns.filter((c) => header.has(c.src));
  const idCheck: Check = header.has('track_id')
    ? {
        field: 'track_id',
        bad: `NOT coalesce(regexp_full_match(${str('track_id')}, '[0-9A-Za-z]{22}'), false)`,
        expected: 'a Spotify track id (22 letters and digits)',
        got: q('track_id'),
      }
    : { field: 'track_id', bad: 'true', expected: 'a track_id column (the file has none)' };
  return [
    {
      table: 'tracks',
      map: Object.fromEntries(have.map((c) => [c.dst, c.read(c.src)])),
      checks: [idCheck, ...have.flatMap((c) => (c.expected ? [parses(c.src, c.read(c.src), c.expected)] : []))],
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// spotify-tracks

/** '; '-joined artists from the ';'-separated list. */
const artistsJoined = (c: string): string => `nullif(regexp_replace(${str(c)}, '\\s*;\\s*', '; ', 'g'), '')`;

const TRACKS_COLUMNS: readonly Column[] = [
  col('track_id', 'spotify_id', str),
  col('track_name', 'title', str),
  col('artists', 'artist_name', artistsJoined),
  col('album_name', 'album_name', str),
  col('track_genre', 'genre', str),
  col('duration_ms', 'duration_ms', int, 'duration_ms as a number of milliseconds'),
  col('popularity', 'popularity', num, 'popularity as a number 0-100'),
  col('explicit', 'explicit', bool, 'explicit as True or False'),
  ...featureCols(),
  col('key', 'key', int, 'key as a pitch class 0-11 (-1 none)'),
  col('mode', 'mode', int, 'mode as 1 (major) or 0 (minor)'),
  col('time_signature', 'time_signature', int, 'time_signature as a number of beats'),
];

export const spotifyTracks: Format = {
  name: 'spotify-tracks',
  description: 'Spotify Tracks Dataset (114k, audio features + track_genre): ,track_id,artists,album_name,track_name,...,track_genre',
  detect: (s) => (hasAll(s.head, ['track_id', 'artists', 'track_name', 'track_genre', 'danceability']) ? 1 : 0),
  reader: () => ({ kind: 'csv', header: true }),
  outputs: (sample) => catalogueOutput(sample, TRACKS_COLUMNS),
};

// ---------------------------------------------------------------------------------------------------
// spotify-features

const PITCH: Record<string, number> = {
  C: 0, 'C#': 1, DB: 1, D: 2, 'D#': 3, EB: 3, E: 4, F: 5, 'F#': 6, GB: 6, G: 7, 'G#': 8, AB: 8, A: 9, 'A#': 10, BB: 10, B: 11,
};

/** Pitch class 0..11 from a letter name (C, C#, Db ... B), NULL otherwise. */
const pitchClass = (c: string): string => `CASE upper(${str(c)}) ${Object.entries(PITCH).map(([k, v]) => `WHEN '${k}' THEN ${v}`).join(' ')} END`;

/** 1 for Major, 0 for Minor (also 1/0), NULL otherwise. */
const modeNum = (c: string): string => `CASE lower(${str(c)}) WHEN 'major' THEN 1 WHEN 'minor' THEN 0 WHEN '1' THEN 1 WHEN '0' THEN 0 END`;

/** Beats per bar from '4/4' (or a bare '4'), NULL otherwise. */
const beats = (c: string): string => `CASE WHEN regexp_full_match(${str(c)}, '\\d+(/\\d+)?') THEN TRY_CAST(split_part(${str(c)}, '/', 1) AS INTEGER) END`;

const FEATURES_COLUMNS: readonly Column[] = [
  col('track_id', 'spotify_id', str),
  col('track_name', 'title', str),
  col('artist_name', 'artist_name', str),
  col('genre', 'genre', str),
  col('duration_ms', 'duration_ms', int, 'duration_ms as a number of milliseconds'),
  col('popularity', 'popularity', num, 'popularity as a number 0-100'),
  ...featureCols(),
  col('key', 'key', pitchClass, 'key as a pitch name: C, C#, D, D#, E, F, F#, G, G#, A, A#, B'),
  col('mode', 'mode', modeNum, 'mode as Major or Minor'),
  col('time_signature', 'time_signature', beats, "time_signature like '4/4'"),
];

export const spotifyFeatures: Format = {
  name: 'spotify-features',
  description: 'Kaggle SpotifyFeatures.csv: genre,artist_name,track_name,track_id,popularity,... (key as a letter, mode Major/Minor, time_signature 4/4)',
  detect: (s) => (hasAll(s.head, ['genre', 'artist_name', 'track_name', 'track_id', 'danceability', 'time_signature']) ? 1 : 0),
  reader: () => ({ kind: 'csv', header: true }),
  outputs: (sample) => catalogueOutput(sample, FEATURES_COLUMNS),
};
