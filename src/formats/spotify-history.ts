// Spotify listening histories, as Spotify hands them out in a privacy-data export:
//
// - spotify-extended: the Extended Streaming History (Streaming_History_Audio_*.json,
//   Streaming_History_Video_*.json, the older endsong_*.json with username / ip_addr_decrypted /
//   user_agent_decrypted, and CSV conversions with the same columns: booleans True/False, null = empty
//   cell). Each record is one stream. `ts` is when the stream ENDED (UTC), so the start is
//   listened_at = ts - ms_played, to the millisecond; a record without ms_played cannot be placed and is
//   rejected. The user is `username` when the record carries a non-empty one, else --user, else 'me'.
//   Where a record goes: a track URI -> listens; else an episode (spotify_episode_uri or episode_name)
//   -> other_plays kind 'podcast'; else an audiobook (audiobook_chapter_uri, audiobook_uri or
//   audiobook_title) -> other_plays kind 'audiobook'; else -> listens (a local file with only a track
//   name lands there; a record with no track, episode or audiobook at all is rejected naming
//   spotify_track_uri). Every record of a Streaming_History_Video_* file -> other_plays kind 'video':
//   the file name decides, because video records carry exactly the audio fields (music videos with a
//   track URI, video podcasts with an episode URI) and nothing in the content tells them apart.
//   Listen action: skipped = true or reason_end in (fwdbtn, backbtn) -> 'skip'; else reason_end =
//   'trackdone' -> 'complete'; else 'play'. The `skipped` column is the source flag; where the record's
//   flag is null (older exports) it is reason_end in (fwdbtn, backbtn), NULL when that is null too.
//
// - spotify-account: the older account-data StreamingHistory*.json (and StreamingHistory_music_*.json)
//   with endTime 'YYYY-MM-DD HH:MM' (UTC, minute precision, the END of the stream), artistName,
//   trackName, msPlayed: listened_at = endTime - msPlayed. Every record -> listens, action 'play',
//   skipped NULL (the layout has no skip or reason fields). Podcast episodes cannot be told apart from
//   music in this layout (artistName is the show, trackName the episode), so they land in listens too;
//   only the newer StreamingHistory_podcast_*.json layout (podcastName, episodeName) says what is a
//   podcast, and those records go to other_plays kind 'podcast'. The user is --user, else 'me'.
import { lit } from '../util/db.js';
import { csvHeader, sampleLine } from './readers.js';
import { bool, parses, q, required, str } from './sql.js';
import type { Check, Format, FormatOptions, JsonField, OutputSpec, ReaderSpec, Sample } from './types.js';

const DEFAULT_USER = 'me';

/** The head without a BOM and leading whitespace. */
const body = (head: string): string => head.replace(/^\uFEFF/, '').trimStart();

/** Lower-cased column names of a CSV sample's header. */
const headerCols = (head: string): string[] => csvHeader(sampleLine(body(head), 0)).map((h) => h.toLowerCase());

const hasJsonKey = (head: string, key: string): boolean => new RegExp(`"${key}"\\s*:`).test(head);

// ---------------------------------------------------------------------------------------------------
// spotify-extended

/** Every field of the Extended Streaming History layouts that earshot reads (all layouts, one list). */
const EXT_FIELDS: Readonly<Record<string, JsonField>> = {
  ts: { path: '$.ts', types: ['string'] },
  username: { path: '$.username', types: ['string'] },
  platform: { path: '$.platform', types: ['string'] },
  ms_played: { path: '$.ms_played', types: ['number', 'string'] },
  conn_country: { path: '$.conn_country', types: ['string'] },
  master_metadata_track_name: { path: '$.master_metadata_track_name', types: ['string'] },
  master_metadata_album_artist_name: { path: '$.master_metadata_album_artist_name', types: ['string'] },
  master_metadata_album_album_name: { path: '$.master_metadata_album_album_name', types: ['string'] },
  spotify_track_uri: { path: '$.spotify_track_uri', types: ['string'] },
  episode_name: { path: '$.episode_name', types: ['string'] },
  episode_show_name: { path: '$.episode_show_name', types: ['string'] },
  spotify_episode_uri: { path: '$.spotify_episode_uri', types: ['string'] },
  audiobook_title: { path: '$.audiobook_title', types: ['string'] },
  audiobook_uri: { path: '$.audiobook_uri', types: ['string'] },
  audiobook_chapter_uri: { path: '$.audiobook_chapter_uri', types: ['string'] },
  audiobook_chapter_title: { path: '$.audiobook_chapter_title', types: ['string'] },
  reason_start: { path: '$.reason_start', types: ['string'] },
  reason_end: { path: '$.reason_end', types: ['string'] },
  shuffle: { path: '$.shuffle', types: ['boolean', 'string'] },
  skipped: { path: '$.skipped', types: ['boolean', 'string'] },
  offline: { path: '$.offline', types: ['boolean', 'string'] },
  incognito_mode: { path: '$.incognito_mode', types: ['boolean', 'string'] },
};

const EXT_IDENTITY = ['master_metadata_track_name', 'spotify_track_uri', 'episode_name', 'spotify_episode_uri', 'audiobook_title', 'audiobook_uri', 'audiobook_chapter_uri'];
const EXT_NAME = /^(Streaming_History_(Audio|Video)_.*|endsong_\d+.*)\.(json|csv)$/i;
const VIDEO_NAME = /Streaming_History_Video_/i;

const isCsvSample = (s: Sample): boolean => !body(s.head).startsWith('[') && !body(s.head).startsWith('{');

function extendedContent(s: Sample): boolean {
  const b = body(s.head);
  if (b.startsWith('[')) return hasJsonKey(b, 'ts') && hasJsonKey(b, 'ms_played') && EXT_IDENTITY.some((k) => hasJsonKey(b, k));
  const cols = new Set(headerCols(b));
  return cols.has('ts') && cols.has('ms_played') && EXT_IDENTITY.some((k) => cols.has(k));
}

/** SQL for a raw column that may be absent from a CSV header: the trimmed text, or NULL. */
type Col = (name: string) => string;

function columnsOf(sample: Sample): Col {
  if (!isCsvSample(sample)) return str;
  const have = new Set(headerCols(sample.head));
  return (name) => (have.has(name) ? str(name) : 'NULL::VARCHAR');
}

/** An ISO-8601 date-time (zone optional: UTC), or NULL. A bare date is not a stream's end time. */
const isoDateTime = (v: string): string =>
  `CASE WHEN regexp_full_match(${v}, '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?\\s*(Z|[+-]\\d{2}(:?\\d{2})?)?') THEN TRY_CAST(${v} AS TIMESTAMPTZ) END`;

/** Whole milliseconds from text such as 228000 (or 228000.0), NULL otherwise. */
const millis = (v: string): string => `CASE WHEN regexp_full_match(${v}, '\\d+(\\.0*)?') THEN TRY_CAST(TRY_CAST(${v} AS DOUBLE) AS BIGINT) END`;

const userSql = (opts: FormatOptions, username: string | null): string => {
  const fallback = lit(opts.user && opts.user.trim() !== '' ? opts.user.trim() : DEFAULT_USER);
  return username ? `coalesce(${username}, ${fallback})` : fallback;
};

function extendedOutputs(sample: Sample, opts: FormatOptions): OutputSpec[] {
  const c = columnsOf(sample);
  const ts = isoDateTime(c('ts'));
  const ms = millis(c('ms_played'));
  const start = `(${ts}) - to_milliseconds(${ms})`;
  const present = (col: string): boolean => c(col) !== 'NULL::VARCHAR';
  const user = userSql(opts, present('username') ? c('username') : null);
  const flag = (col: string): string => (present(col) ? bool(col) : 'NULL::BOOLEAN');
  const boolCheck = (col: string): Check[] => (present(col) ? [parses(col, bool(col), 'true or false (True/False in CSV)')] : []);

  const got = (col: string): { got?: string } => (present(col) ? { got: q(col) } : {});
  const checks: Check[] = [
    { field: 'ts', bad: `${c('ts')} IS NULL`, expected: 'ts, the time the stream ended (ISO-8601 UTC like 2023-09-25T12:26:38Z)' },
    { field: 'ts', bad: `(${ts}) IS NULL`, expected: 'ts as an ISO-8601 UTC date-time like 2023-09-25T12:26:38Z', ...got('ts') },
    { field: 'ms_played', bad: `${c('ms_played')} IS NULL`, expected: 'ms_played, the milliseconds played (the start is ts - ms_played)' },
    { field: 'ms_played', bad: `(${ms}) IS NULL`, expected: 'ms_played as whole milliseconds, e.g. 228000', ...got('ms_played') },
    ...['shuffle', 'skipped', 'offline', 'incognito_mode'].flatMap(boolCheck),
  ];
  const noIdentity: Check = {
    field: 'spotify_track_uri',
    bad: `${c('spotify_track_uri')} IS NULL AND ${c('master_metadata_track_name')} IS NULL AND ${c('spotify_episode_uri')} IS NULL AND ${c('episode_name')} IS NULL AND ${c('audiobook_chapter_uri')} IS NULL AND ${c('audiobook_uri')} IS NULL AND ${c('audiobook_title')} IS NULL`,
    expected:
      'a track (spotify_track_uri or master_metadata_track_name), a podcast episode (spotify_episode_uri or episode_name) or an audiobook (audiobook_chapter_uri, audiobook_uri or audiobook_title)',
  };
  const common = {
    user_id: user,
    played_at: start,
    ms_played: ms,
    platform: c('platform'),
    country: c('conn_country'),
  };

  if (VIDEO_NAME.test(sample.name)) {
    return [
      {
        table: 'other_plays',
        map: {
          ...common,
          kind: `'video'`,
          title: `coalesce(${c('master_metadata_track_name')}, ${c('episode_name')}, ${c('audiobook_chapter_title')}, ${c('audiobook_title')})`,
          show_name: `coalesce(${c('master_metadata_album_artist_name')}, ${c('episode_show_name')}, ${c('audiobook_title')})`,
          uri: `coalesce(${c('spotify_track_uri')}, ${c('spotify_episode_uri')}, ${c('audiobook_chapter_uri')}, ${c('audiobook_uri')})`,
        },
        checks: [...checks, noIdentity],
      },
    ];
  }

  const episode = `(${c('spotify_episode_uri')} IS NOT NULL OR ${c('episode_name')} IS NOT NULL)`;
  const book = `(${c('audiobook_chapter_uri')} IS NOT NULL OR ${c('audiobook_uri')} IS NOT NULL OR ${c('audiobook_title')} IS NOT NULL)`;
  const trackUri = `(${c('spotify_track_uri')} IS NOT NULL)`;
  const reasonEnd = c('reason_end');
  const skippedFlag = flag('skipped');
  return [
    {
      table: 'listens',
      where: `${trackUri} OR NOT (${episode} OR ${book})`,
      map: {
        user_id: user,
        listened_at: start,
        spotify_track_uri: c('spotify_track_uri'),
        track_name: c('master_metadata_track_name'),
        artist_name: c('master_metadata_album_artist_name'),
        album_name: c('master_metadata_album_album_name'),
        ms_played: ms,
        action: `CASE WHEN ${skippedFlag} IS TRUE OR ${reasonEnd} IN ('fwdbtn', 'backbtn') THEN 'skip' WHEN ${reasonEnd} = 'trackdone' THEN 'complete' ELSE 'play' END`,
        skipped: `coalesce(${skippedFlag}, ${reasonEnd} IN ('fwdbtn', 'backbtn'))`,
        shuffle: flag('shuffle'),
        offline: flag('offline'),
        incognito: flag('incognito_mode'),
        reason_start: c('reason_start'),
        reason_end: reasonEnd,
        platform: c('platform'),
        country: c('conn_country'),
      },
      checks: [...checks, noIdentity],
    },
    {
      table: 'other_plays',
      where: `NOT ${trackUri} AND ${episode}`,
      map: { ...common, kind: `'podcast'`, title: c('episode_name'), show_name: c('episode_show_name'), uri: c('spotify_episode_uri') },
      checks,
    },
    {
      table: 'other_plays',
      where: `NOT ${trackUri} AND NOT ${episode} AND ${book}`,
      map: {
        ...common,
        kind: `'audiobook'`,
        title: `coalesce(${c('audiobook_chapter_title')}, ${c('audiobook_title')})`,
        show_name: c('audiobook_title'),
        uri: `coalesce(${c('audiobook_chapter_uri')}, ${c('audiobook_uri')})`,
      },
      checks,
    },
  ];
}

export const spotifyExtended: Format = {
  name: 'spotify-extended',
  description:
    'Spotify Extended Streaming History: Streaming_History_Audio_*.json / Streaming_History_Video_*.json / endsong_*.json (or CSV with the same columns); ts is the END of the stream',
  detect: (s) => (extendedContent(s) ? 1 : EXT_NAME.test(s.name) ? 0.5 : 0),
  reader: (s): ReaderSpec => (isCsvSample(s) ? { kind: 'csv', header: true } : { kind: 'json', fields: EXT_FIELDS }),
  outputs: extendedOutputs,
};

// ---------------------------------------------------------------------------------------------------
// spotify-account

const ACCOUNT_FIELDS: Readonly<Record<string, JsonField>> = {
  endTime: { path: '$.endTime', types: ['string'] },
  artistName: { path: '$.artistName', types: ['string'] },
  trackName: { path: '$.trackName', types: ['string'] },
  msPlayed: { path: '$.msPlayed', types: ['number', 'string'] },
  podcastName: { path: '$.podcastName', types: ['string'] },
  episodeName: { path: '$.episodeName', types: ['string'] },
};

const ACCOUNT_NAME = /^StreamingHistory(_(music|podcast))?_?\d*\.json$/i;

function accountContent(s: Sample): boolean {
  const b = body(s.head);
  return b.startsWith('[') && hasJsonKey(b, 'endTime') && hasJsonKey(b, 'msPlayed') && (hasJsonKey(b, 'trackName') || hasJsonKey(b, 'episodeName'));
}

/** endTime: 'YYYY-MM-DD HH:MM' (seconds and an ISO 'T' tolerated), UTC. */
const accountTime = (v: string): string =>
  `CASE WHEN regexp_full_match(${v}, '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z?') THEN TRY_CAST(${v} AS TIMESTAMPTZ) END`;

function accountOutputs(_sample: Sample, opts: FormatOptions): OutputSpec[] {
  const end = accountTime(str('endTime'));
  const ms = millis(str('msPlayed'));
  const start = `(${end}) - to_milliseconds(${ms})`;
  const user = userSql(opts, null);
  const checks: Check[] = [
    required('endTime', "endTime, the time the stream ended ('YYYY-MM-DD HH:MM', UTC)"),
    { field: 'endTime', bad: `(${end}) IS NULL`, expected: "endTime as 'YYYY-MM-DD HH:MM' (UTC), e.g. 2021-04-22 05:41", got: q('endTime') },
    required('msPlayed', 'msPlayed, the milliseconds played (the start is endTime - msPlayed)'),
    { field: 'msPlayed', bad: `(${ms}) IS NULL`, expected: 'msPlayed as whole milliseconds, e.g. 246292', got: q('msPlayed') },
  ];
  const podcast = `(${str('trackName')} IS NULL AND (${str('episodeName')} IS NOT NULL OR ${str('podcastName')} IS NOT NULL))`;
  return [
    {
      table: 'listens',
      where: `NOT ${podcast}`,
      map: {
        user_id: user,
        listened_at: start,
        track_name: str('trackName'),
        artist_name: str('artistName'),
        ms_played: ms,
        action: `'play'`,
      },
      checks: [...checks, required('trackName', 'trackName, the track (or, for a podcast, the episode) title')],
    },
    {
      table: 'other_plays',
      where: podcast,
      map: {
        user_id: user,
        played_at: start,
        kind: `'podcast'`,
        title: str('episodeName'),
        show_name: str('podcastName'),
        ms_played: ms,
      },
      checks,
    },
  ];
}

export const spotifyAccount: Format = {
  name: 'spotify-account',
  description: "Spotify account-data StreamingHistory*.json: endTime ('YYYY-MM-DD HH:MM' UTC, END of the stream), artistName, trackName, msPlayed",
  detect: (s) => (accountContent(s) ? 1 : ACCOUNT_NAME.test(s.name) ? 0.5 : 0),
  reader: () => ({ kind: 'json', fields: ACCOUNT_FIELDS }),
  outputs: accountOutputs,
};
