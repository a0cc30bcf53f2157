// Last.fm scrobble exports as CSV, and Libre.fm's CSV export.
//
// lastfm-scrobbles reads two layouts:
// - with the header uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid (the layout of the
//   common web exporters): uts is the scrobble time in Unix seconds; utc_time is the same time as text
//   and is not read. The MBIDs are kept when they are UUIDs (track_mbid -> recording_mbid,
//   album_mbid -> release_mbid), else left out.
// - headerless artist,album,track,date (lastfm-to-csv): date like `31 Jan 2021 14:05` (also `31 January
//   2021 14:05`, `31 Jan 2021, 14:05`) in UTC, or ISO 8601 (UTC when no zone is given). The same four
//   columns with a header line artist,album,track,date are read too.
// librefm-scrobbles reads Libre.fm's export: optional comment lines first (`#`, or `+ACM-`, which is `#`
// in the UTF-7 that Libre.fm writes them in), then a header naming Artist, Track, Time (Unix seconds)
// and optionally Album and userid, in any order and case.
//
// Time: a scrobble's time is when the track started playing, so it is listened_at as is.
// Action: scrobbles are plays that counted (Last.fm scrobbles after half the track or 4 minutes), but
// nothing says whether the track was finished or skipped: action = 'play', skipped and ms_played NULL.
// User: the file's userid column (Libre.fm) when present, else --user, else 'me'.
import { EarshotError } from '../util/errors.js';
import { csvHeader, sampleLine } from './readers.js';
import { mbidSql, secondsChecks, secondsTs, userSql } from './listenbrainz.js';
import { q, required, str } from './sql.js';
import type { Check, Format, OutputSpec, Sample } from './types.js';

const lower = (cols: string[]): string[] => cols.map((c) => c.toLowerCase());

const UTS_HEADER = ['uts', 'utc_time', 'artist', 'artist_mbid', 'album', 'album_mbid', 'track', 'track_mbid'];
const PLAIN_HEADER = ['artist', 'album', 'track', 'date'];

/** `31 Jan 2021 14:05` and its variants, or an ISO 8601 date-time. */
const DATE_RE = /^(\d{1,2} [A-Za-z]{3,9} \d{4},? \d{1,2}:\d{2}(:\d{2})?|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*)$/;

function layoutOf(head: string): 'uts' | 'plain-header' | 'plain' | null {
  const first = sampleLine(head.replace(/^\uFEFF/, ''), 0);
  const cols = csvHeader(first);
  const l = lower(cols);
  if (UTS_HEADER.every((c, i) => l[i] === c)) return 'uts';
  if (l.length === 4 && PLAIN_HEADER.every((c, i) => l[i] === c)) return 'plain-header';
  if (cols.length === 4 && DATE_RE.test(cols[3] ?? '') && (cols[0] ?? '') !== '' && (cols[2] ?? '') !== '') return 'plain';
  return null;
}

/** SQL for the lastfm-to-csv date: `31 Jan 2021 14:05` (UTC) and variants, else ISO 8601. */
export function lastfmDateSql(col: string): string {
  const s = str(col);
  const fmts = ['%d %b %Y %H:%M', '%d %b %Y, %H:%M', '%d %B %Y %H:%M', '%d %B %Y, %H:%M', '%d %b %Y %H:%M:%S'];
  const tries = fmts.map((f) => `timezone('UTC', try_strptime(${s}, '${f}'))`);
  return `coalesce(${tries.join(', ')}, TRY_CAST(${s} AS TIMESTAMPTZ))`;
}

const nameChecks = (artist: string, track: string): Check[] => [required(artist, 'an artist name'), required(track, 'a track name')];

export const lastfmScrobbles: Format = {
  name: 'lastfm-scrobbles',
  description: 'Last.fm scrobbles CSV: uts,utc_time,artist,artist_mbid,album,album_mbid,track,track_mbid, or headerless artist,album,track,date (UTC)',
  detect(s: Sample): number {
    const l = layoutOf(s.head);
    return l === 'uts' || l === 'plain-header' ? 1 : l === 'plain' ? 0.6 : 0;
  },
  reader(s) {
    const l = layoutOf(s.head);
    return l === 'plain' ? { kind: 'csv', header: false, columns: PLAIN_HEADER } : { kind: 'csv', header: true };
  },
  outputs(s, opts): OutputSpec[] {
    if (layoutOf(s.head) === 'uts') {
      return [
        {
          table: 'listens',
          map: {
            user_id: userSql(opts),
            listened_at: secondsTs('uts'),
            artist_name: str('artist'),
            album_name: str('album'),
            track_name: str('track'),
            artist_mbid: mbidSql('artist_mbid'),
            release_mbid: mbidSql('album_mbid'),
            recording_mbid: mbidSql('track_mbid'),
            action: `'play'`,
          },
          checks: [...secondsChecks('uts', '1612101900'), ...nameChecks('artist', 'track')],
        },
      ];
    }
    const layout = layoutOf(s.head);
    if (layout === null) {
      // Only a forced --format gets here: detection scores such a file 0.
      throw new EarshotError(`not a Last.fm scrobbles CSV: expected the header ${UTS_HEADER.join(',')} or ${PLAIN_HEADER.join(',')}, or four headerless columns artist,album,track,date`);
    }
    // The header variant keeps the file's own spelling of the names; csvHeader gives them.
    const names = layout === 'plain' ? PLAIN_HEADER : csvHeader(sampleLine(s.head.replace(/^\uFEFF/, ''), 0));
    const [artist, album, track, date] = names as [string, string, string, string];
    return [
      {
        table: 'listens',
        map: {
          user_id: userSql(opts),
          listened_at: lastfmDateSql(date),
          artist_name: str(artist),
          album_name: str(album),
          track_name: str(track),
          action: `'play'`,
        },
        checks: [
          {
            field: date,
            bad: `(${lastfmDateSql(date)}) IS NULL`,
            expected: 'a date like 31 Jan 2021 14:05 (UTC) or ISO 8601 like 2021-01-31T14:05:00Z',
            got: q(date),
          },
          ...nameChecks(artist, track),
        ],
      },
    ];
  },
};

// ---- Libre.fm ---------------------------------------------------------------------------------

const isComment = (line: string): boolean => line.startsWith('#') || line.startsWith('+ACM-');

/** Where the header is (lines skipped before it) and its columns by lower-case name. */
function librefmHeader(head: string): { skip: number; cols: Map<string, string> } | null {
  const lines = head.replace(/^\uFEFF/, '').split('\n').slice(0, 50);
  const i = lines.findIndex((l) => !isComment(l.replace(/\r$/, '')) && l.trim() !== '');
  if (i < 0) return null;
  const names = csvHeader(lines[i]!.replace(/\r$/, ''));
  const cols = new Map(names.map((n) => [n.toLowerCase(), n]));
  if (!cols.has('artist') || !cols.has('track') || !cols.has('time')) return null;
  return { skip: i, cols };
}

export const librefmScrobbles: Format = {
  name: 'librefm-scrobbles',
  description: 'Libre.fm CSV export: optional #/+ACM- comment lines, then Artist,Track[,Album],Time (Unix seconds) [, userid]',
  detect: (s) => (librefmHeader(s.head) ? 0.9 : 0),
  reader: (s) => ({ kind: 'csv', header: true, skip: librefmHeader(s.head)?.skip ?? 0 }),
  outputs(s, opts): OutputSpec[] {
    const h = librefmHeader(s.head);
    const col = (n: string): string | undefined => h?.cols.get(n);
    const artist = col('artist') ?? 'Artist';
    const track = col('track') ?? 'Track';
    const time = col('time') ?? 'Time';
    const album = col('album');
    const user = col('userid');
    const map: Record<string, string> = {
      user_id: userSql(opts, user),
      listened_at: secondsTs(time),
      artist_name: str(artist),
      track_name: str(track),
      action: `'play'`,
    };
    if (album) map['album_name'] = str(album);
    return [{ table: 'listens', map, checks: [...secondsChecks(time, '1690347960'), ...nameChecks(artist, track)] }];
  },
};
