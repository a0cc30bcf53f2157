// The canonical tables of the lake, declared once: column names, DuckDB types and meanings.
// Importers, the lake writer, `earshot tables`, the docs and later the store all read this list,
// so a column is added in exactly one place.

export interface ColumnSpec {
  readonly name: string;
  readonly type: string;
  readonly doc: string;
}

export interface TableSpec {
  readonly name: string;
  readonly doc: string;
  readonly columns: readonly ColumnSpec[];
}

const c = (name: string, type: string, doc: string): ColumnSpec => ({ name, type, doc });

/** One play of one track by one user (or one play event of an event stream; see docs/formats.md). */
export const LISTEN_COLUMNS: readonly ColumnSpec[] = [
  c('listen_id', 'VARCHAR', 'stable id: first 16 hex digits of md5(user_id, listened_at ms, track_key); duplicates share it'),
  c('user_id', 'VARCHAR', 'who listened'),
  c('listened_at', 'TIMESTAMPTZ', 'when the play started, UTC, millisecond precision (Spotify: ts minus ms_played)'),
  c('track_key', 'VARCHAR', 'best track identity: spotify:track:ID, isrc:X, mbid:X, song:ID, else name:artist — title'),
  c('track_name', 'VARCHAR', 'title, from the source or else the catalogue'),
  c('artist_name', 'VARCHAR', 'artist, from the source or else the catalogue'),
  c('album_name', 'VARCHAR', 'album or release, where known'),
  c('ms_played', 'BIGINT', 'milliseconds played; NULL where the source does not say'),
  c('action', 'VARCHAR', 'outcome of the play: play (unknown or ongoing), pause, skip, complete'),
  c('skipped', 'BOOLEAN', 'source skip flag (Spotify), else derived from action'),
  c('shuffle', 'BOOLEAN', 'shuffle mode was on'),
  c('offline', 'BOOLEAN', 'played offline'),
  c('incognito', 'BOOLEAN', 'private session'),
  c('reason_start', 'VARCHAR', 'why the play started (Spotify reason_start)'),
  c('reason_end', 'VARCHAR', 'why the play ended (Spotify reason_end)'),
  c('platform', 'VARCHAR', 'device or platform'),
  c('country', 'VARCHAR', 'ISO 3166 country code where known'),
  c('city', 'VARCHAR', 'city where known'),
  c('session_id', 'VARCHAR', 'session id given by the source'),
  c('spotify_track_uri', 'VARCHAR', 'spotify:track:ID where given'),
  c('isrc', 'VARCHAR', 'ISRC where given'),
  c('recording_mbid', 'VARCHAR', 'MusicBrainz recording id where given'),
  c('artist_mbid', 'VARCHAR', 'MusicBrainz artist id where given'),
  c('release_mbid', 'VARCHAR', 'MusicBrainz release id where given'),
  c('song_id', 'VARCHAR', "the source's own song id where given"),
  c('artist_id', 'VARCHAR', "the source's own artist id where given"),
  c('source', 'VARCHAR', 'importer or endpoint that produced the row (e.g. spotify-extended)'),
  c('origin', 'VARCHAR', 'file (or endpoint) the row came from'),
  c('ingested_at', 'TIMESTAMPTZ', 'when earshot stored the row'),
];

/** One catalogue entry. Keyed by track_key, the same identity listens use. */
export const TRACK_COLUMNS: readonly ColumnSpec[] = [
  c('track_key', 'VARCHAR', 'identity, as listens.track_key'),
  c('title', 'VARCHAR', 'track title'),
  c('artist_name', 'VARCHAR', "artists, several joined with '; '"),
  c('album_name', 'VARCHAR', 'album'),
  c('genre', 'VARCHAR', 'primary genre'),
  c('mood', 'VARCHAR', 'mood from the source (derived moods come with the ML issue)'),
  c('duration_ms', 'BIGINT', 'track length'),
  c('release_date', 'VARCHAR', 'release date as given (YYYY, YYYY-MM or YYYY-MM-DD)'),
  c('popularity', 'DOUBLE', 'popularity 0-100 where known'),
  c('explicit', 'BOOLEAN', 'explicit lyrics'),
  c('danceability', 'DOUBLE', 'audio feature 0-1'),
  c('energy', 'DOUBLE', 'audio feature 0-1'),
  c('valence', 'DOUBLE', 'audio feature 0-1'),
  c('tempo', 'DOUBLE', 'beats per minute'),
  c('acousticness', 'DOUBLE', 'audio feature 0-1'),
  c('instrumentalness', 'DOUBLE', 'audio feature 0-1'),
  c('speechiness', 'DOUBLE', 'audio feature 0-1'),
  c('liveness', 'DOUBLE', 'audio feature 0-1'),
  c('loudness', 'DOUBLE', 'decibels'),
  c('key', 'INTEGER', 'pitch class 0-11, -1 none'),
  c('mode', 'INTEGER', '1 major, 0 minor'),
  c('time_signature', 'INTEGER', 'beats per bar'),
  c('spotify_id', 'VARCHAR', 'Spotify track id where known'),
  c('song_id', 'VARCHAR', "the source's own song id where known"),
  c('source', 'VARCHAR', 'importer that produced the row'),
  c('origin', 'VARCHAR', 'file the row came from'),
  c('ingested_at', 'TIMESTAMPTZ', 'when earshot stored the row'),
];

/** Podcast episodes, audiobook chapters and videos: kept apart so they never count as music. */
export const OTHER_PLAY_COLUMNS: readonly ColumnSpec[] = [
  c('play_id', 'VARCHAR', 'stable id: md5 of (user_id, played_at ms, uri or title), 16 hex digits'),
  c('user_id', 'VARCHAR', 'who played'),
  c('played_at', 'TIMESTAMPTZ', 'when the play started, UTC'),
  c('kind', 'VARCHAR', 'podcast, audiobook or video'),
  c('title', 'VARCHAR', 'episode, chapter or video title'),
  c('show_name', 'VARCHAR', 'show or book'),
  c('uri', 'VARCHAR', 'Spotify episode or chapter URI'),
  c('ms_played', 'BIGINT', 'milliseconds played'),
  c('platform', 'VARCHAR', 'device or platform'),
  c('country', 'VARCHAR', 'country code'),
  c('source', 'VARCHAR', 'importer'),
  c('origin', 'VARCHAR', 'file'),
  c('ingested_at', 'TIMESTAMPTZ', 'when stored'),
];

/** Aggregated play counts without timestamps (HetRec Last.fm 2K user_artists.dat). */
export const PLAY_COUNT_COLUMNS: readonly ColumnSpec[] = [
  c('user_id', 'VARCHAR', 'who played'),
  c('item_kind', 'VARCHAR', "what was counted: 'artist' or 'track'"),
  c('item_key', 'VARCHAR', 'artist or track identity (e.g. hetrec:artist:51)'),
  c('item_name', 'VARCHAR', 'artist or track name where known'),
  c('plays', 'BIGINT', 'play count'),
  c('source', 'VARCHAR', 'importer'),
  c('origin', 'VARCHAR', 'file'),
];

/** Artists from catalogue sources that describe artists rather than tracks (HetRec artists.dat). */
export const ARTIST_COLUMNS: readonly ColumnSpec[] = [
  c('artist_key', 'VARCHAR', 'identity (e.g. hetrec:artist:51)'),
  c('name', 'VARCHAR', 'artist name'),
  c('url', 'VARCHAR', 'page'),
  c('picture_url', 'VARCHAR', 'picture'),
  c('source', 'VARCHAR', 'importer'),
  c('origin', 'VARCHAR', 'file'),
];

/** Tags given by users to artists (HetRec user_taggedartists.dat joined with tags.dat). */
export const ARTIST_TAG_COLUMNS: readonly ColumnSpec[] = [
  c('user_id', 'VARCHAR', 'who tagged'),
  c('artist_key', 'VARCHAR', 'tagged artist'),
  c('tag_id', 'VARCHAR', 'tag identity'),
  c('tag', 'VARCHAR', 'tag text, where the tag file was imported'),
  c('tagged_on', 'DATE', 'day of tagging as given (often only month precision: day 1)'),
  c('source', 'VARCHAR', 'importer'),
  c('origin', 'VARCHAR', 'file'),
];

/** Tag texts by tag id (HetRec tags.dat); artist_tags.tag_id joins here. */
export const TAG_COLUMNS: readonly ColumnSpec[] = [
  c('tag_id', 'VARCHAR', 'tag identity, as artist_tags.tag_id (e.g. hetrec:tag:39)'),
  c('tag', 'VARCHAR', 'tag text'),
  c('source', 'VARCHAR', 'importer'),
  c('origin', 'VARCHAR', 'file'),
];

export const TABLES: readonly TableSpec[] = [
  { name: 'listens', doc: 'every accepted listen, one folder per month (month=YYYY-MM), sorted by user; dt is the UTC day', columns: LISTEN_COLUMNS },
  { name: 'tracks', doc: 'the catalogue of tracks, one row per track_key', columns: TRACK_COLUMNS },
  { name: 'other_plays', doc: 'podcast, audiobook and video plays, kept apart from music', columns: OTHER_PLAY_COLUMNS },
  { name: 'play_counts', doc: 'play counts without timestamps (HetRec Last.fm 2K)', columns: PLAY_COUNT_COLUMNS },
  { name: 'artists', doc: 'artists from artist catalogues (HetRec Last.fm 2K)', columns: ARTIST_COLUMNS },
  { name: 'artist_tags', doc: 'user tags on artists (HetRec Last.fm 2K)', columns: ARTIST_TAG_COLUMNS },
  { name: 'tags', doc: 'tag texts by tag id (HetRec Last.fm 2K)', columns: TAG_COLUMNS },
];

export type TableName = 'listens' | 'tracks' | 'other_plays' | 'play_counts' | 'artists' | 'artist_tags' | 'tags';

export function tableSpec(name: TableName): TableSpec {
  const t = TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`unknown table ${name}`);
  return t;
}

/** `name TYPE, name TYPE, ...` for CREATE TABLE. */
export function columnDdl(cols: readonly ColumnSpec[]): string {
  return cols.map((x) => `"${x.name}" ${x.type}`).join(', ');
}
