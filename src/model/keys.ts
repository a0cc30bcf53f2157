// Identity of tracks and listens, in SQL (for the vectorised import path) and in TypeScript (for the
// server and engine later). Both spell the same function; test/keys.test.ts holds them equal.
import { hash } from 'node:crypto';

/** Ids a record may carry, best first. */
export interface TrackIds {
  spotify_track_uri?: string | null;
  isrc?: string | null;
  recording_mbid?: string | null;
  song_id?: string | null;
  artist_name?: string | null;
  track_name?: string | null;
}

const SEP = '\u001f';

function blank(s: string | null | undefined): s is null | undefined {
  return s === null || s === undefined || s.trim() === '';
}

/** Printable ASCII words with single spaces between them: already NFC, trimmed and collapsed. */
const PLAIN_NAME = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/** Lower-case, trimmed, inner whitespace collapsed: how names compare. */
export function normName(s: string): string {
  // Most names are plain; one test spares them the normalisation and the replace.
  if (PLAIN_NAME.test(s)) return s.toLowerCase();
  return s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The track identity used by listens and tracks: spotify URI, ISRC, MBID, song id, else artist — title. */
export function trackKey(ids: TrackIds): string | null {
  if (!blank(ids.spotify_track_uri)) return ids.spotify_track_uri.trim();
  if (!blank(ids.isrc)) return `isrc:${ids.isrc.trim().toUpperCase()}`;
  if (!blank(ids.recording_mbid)) return `mbid:${ids.recording_mbid.trim().toLowerCase()}`;
  if (!blank(ids.song_id)) return `song:${ids.song_id.trim()}`;
  if (!blank(ids.track_name)) return `name:${normName(ids.artist_name ?? '')} — ${normName(ids.track_name)}`;
  return null;
}

/**
 * The md5 digest, as 32 hex digits, whose first 16 are a listen's id (one-shot `crypto.hash`: a third of
 * the time of a Hash object per listen, which the server's fast commit pays for every listen).
 */
export function listenIdHex(userId: string, listenedAtMs: number, key: string): string {
  return hash('md5', `${userId}${SEP}${listenedAtMs}${SEP}${key}`, 'hex');
}

/** Stable 16-hex-digit id of a listen: md5 of user, start time in ms and track key. */
export function listenId(userId: string, listenedAtMs: number, key: string): string {
  return listenIdHex(userId, listenedAtMs, key).slice(0, 16);
}

const nz = (col: string): string => `nullif(trim(${col}), '')`;
const normSql = (col: string): string => `lower(regexp_replace(trim(nfc_normalize(${col})), '\\s+', ' ', 'g'))`;

/** SQL for trackKey; `c(name)` spells the column holding each id. */
export function trackKeySql(c: (name: string) => string = (n) => n): string {
  return `coalesce(
  ${nz(c('spotify_track_uri'))},
  'isrc:' || upper(${nz(c('isrc'))}),
  'mbid:' || lower(${nz(c('recording_mbid'))}),
  'song:' || ${nz(c('song_id'))},
  CASE WHEN ${nz(c('track_name'))} IS NOT NULL THEN 'name:' || ${normSql(`coalesce(${c('artist_name')}, '')`)} || ' — ' || ${normSql(c('track_name'))} END
)`;
}

/** SQL for listenId given SQL expressions for user, time and key. */
export function listenIdSql(user: string, at: string, key: string): string {
  return `substr(md5(${user} || chr(31) || epoch_ms(${at})::VARCHAR || chr(31) || ${key}), 1, 16)`;
}
