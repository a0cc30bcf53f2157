// Listens of the two shapes clients send the server most (canonical NDJSON on /v1/listens and the
// ListenBrainz payloads of /1/submit-listens), read in TypeScript when every record of a body is plainly
// valid. Planning the importers' staging SQL costs tens of milliseconds per group commit whatever its
// size, and reading JSON in SQL is slower than JSON.parse for small bodies, so clean bodies skip it.
//
// The SQL staging (src/import/stage.ts with the format's mapping) stays the one definition: this module
// only takes a body when it is sure to give the same rows, and returns null otherwise — any value the
// mapping would reject or might read differently (text with surrounding whitespace, a number in a text
// field, a time that is not plain ISO-8601 or a whole number of ms, non-ASCII ids...) sends the whole
// body down the SQL path, which then names the problem. test/serve-fast-stage.test.ts holds the two
// paths equal on generated records.
import { FIRST_MBID_PATTERN, ISRC_PATTERN, MBID_PATTERN, SPOTIFY_TRACK_PATTERN } from '../../formats/listenbrainz.js';
import { trackKey } from '../../model/keys.js';
import { ACTIONS, checkListen } from '../../model/rules.js';
import { LISTEN_COLUMNS } from '../../model/schema.js';
import type { LbListen } from '../lb-validate.js';

/** Columns a staged row has, in table order (the pipeline's own — listen_id, source, origin, ingested_at — excepted). */
export const FAST_COLUMNS = LISTEN_COLUMNS.filter((c) => !['listen_id', 'source', 'origin', 'ingested_at'].includes(c.name));

export type FastValue = string | number | boolean | null;

/**
 * Rows of one body, column by column (FAST_COLUMNS order); listened_at in epoch ms. A column no row sets
 * is null rather than n nulls: a body has a handful of the thirty columns, and arrays of nulls for the
 * rest were a quarter of the server's garbage under bulk ingest.
 */
export interface FastRows {
  readonly n: number;
  readonly cols: readonly (FastValue[] | null)[];
}

const BOOL_COLS = new Set(FAST_COLUMNS.filter((c) => c.type === 'BOOLEAN').map((c) => c.name));

/**
 * Text the SQL reads the same way: no surrounding whitespace (SQL trims spaces only, JavaScript every
 * kind), no whitespace SQL's regular expressions do not count as such (\s there is ASCII), no character
 * whose lower case differs between JavaScript and DuckDB (İ, Σ), no NUL or \u0001 (the line reader's
 * delimiter), and no half of a surrogate pair (JSON's "\ud800" escape): that is no character at all,
 * and DuckDB's JSON reader refuses it, in the body as in the ingest log's record.
 */
const UNSURE_TEXT = /^\s|\s$|[\u0000\u0001\u000b\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u0130\u03a3]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The value as SQL's str() gives it for a text column; undefined when unsure. */
function text(v: unknown): string | null | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string' || UNSURE_TEXT.test(v)) return undefined;
  return v === '' ? null : v;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z?$/;

/** Epoch ms of a canonical time value (src/formats/generic-sql.ts anyTime); undefined when unsure or invalid. */
function timeMs(v: unknown): number | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    const a = Math.abs(v);
    const ms = a < 1e11 ? v * 1000 : a < 1e14 ? v : a < 1e17 ? v / 1e3 : v / 1e6;
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  if (typeof v !== 'string') return undefined;
  const m = ISO.exec(v);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${(m[7] ?? '0').padEnd(3, '0')}Z`);
  if (Number.isNaN(ms)) return undefined;
  // A day the calendar does not have (Feb 30) is rejected by SQL; JavaScript may roll it over.
  const d = new Date(ms);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() + 1 !== Number(m[2]) || d.getUTCDate() !== Number(m[3])) return undefined;
  return ms;
}

/** FastRows under construction: columns made when a row first sets them, as long as the body has rows. */
class Builder {
  readonly cols: (FastValue[] | null)[] = FAST_COLUMNS.map(() => null);
  n = 0;
  constructor(private readonly rows: number) {}

  set(j: number, r: number, v: FastValue): void {
    (this.cols[j] ??= new Array<FastValue>(this.rows).fill(null))[r] = v;
  }
}

const J = (name: string): number => FAST_COLUMNS.findIndex((c) => c.name === name);
const J_USER = J('user_id');
const J_AT = J('listened_at');
const J_KEY = J('track_key');
const J_ACTION = J('action');
const J_SKIPPED = J('skipped');
const J_PLAYED = J('ms_played');
const J_SPOTIFY = J('spotify_track_uri');
const J_ISRC = J('isrc');
const J_MBID = J('recording_mbid');
const J_SONG = J('song_id');
const J_ARTIST = J('artist_name');
const J_TRACK = J('track_name');
const J_ARTIST_MBID = J('artist_mbid');
const J_RELEASE_MBID = J('release_mbid');
const J_PLATFORM = J('platform');

/** How a canonical record's key is read: its column and kind (listened_at, ms_played and action have their own). */
const KIND = new Map<string, { j: number; kind: 'time' | 'ms' | 'bool' | 'action' | 'text' }>(
  FAST_COLUMNS.filter((c) => c.name !== 'track_key').map((c) => [
    c.name,
    { j: FAST_COLUMNS.indexOf(c), kind: c.name === 'listened_at' ? 'time' : c.name === 'ms_played' ? 'ms' : c.name === 'action' ? 'action' : BOOL_COLS.has(c.name) ? 'bool' : 'text' },
  ]),
);

/**
 * Checks one row of `vals` (FastValue by column, undefined where the record has none) and writes it as
 * row `r`; false when it breaks a listen rule (the SQL path then rejects it, naming the rule).
 */
function put(b: Builder, r: number, vals: (FastValue | undefined)[], onlyUser: string | undefined): boolean {
  const v = (j: number): FastValue => vals[j] ?? null;
  const key = trackKey({ spotify_track_uri: v(J_SPOTIFY) as string | null, isrc: v(J_ISRC) as string | null, recording_mbid: v(J_MBID) as string | null, song_id: v(J_SONG) as string | null, artist_name: v(J_ARTIST) as string | null, track_name: v(J_TRACK) as string | null });
  if (key === null) return false;
  vals[J_KEY] = key;
  const user = vals[J_USER];
  if (typeof user !== 'string' || (onlyUser !== undefined && user !== onlyUser)) return false;
  const at = vals[J_AT];
  const played = vals[J_PLAYED];
  const action = vals[J_ACTION];
  if (checkListen({ user_id: user, listened_at: typeof at === 'number' ? at : null, ms_played: typeof played === 'number' ? played : null, action: typeof action === 'string' ? action : null, track_key: key })) return false;
  for (let j = 0; j < vals.length; j++) {
    const x = vals[j];
    if (x !== null && x !== undefined) b.set(j, r, x);
  }
  b.n++;
  return true;
}

/**
 * Rows of a canonical-ndjson body (src/formats/canonical.ts), or null to stage it in SQL. `headKeys` are
 * the keys of the body's first records (what the format's mapping decides user_id and listened_at by);
 * `user` stands in for a missing user_id, as --user does.
 */
export function fastCanonicalNdjson(textBody: string, headKeys: ReadonlySet<string>, user: string, onlyUser?: string): FastRows | null {
  if (!headKeys.has('listened_at')) return null;
  const lines = textBody.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const b = new Builder(lines.length);
  const ownUser = headKeys.has('user_id');
  const vals = new Array<FastValue | undefined>(FAST_COLUMNS.length);
  for (let r = 0; r < lines.length; r++) {
    let o: unknown;
    try {
      o = JSON.parse(lines[r]!);
    } catch {
      return null;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
    const rec = o as Record<string, unknown>;
    vals.fill(undefined);
    for (const k in rec) {
      const v = rec[k];
      if (v === null) continue;
      const c = KIND.get(k);
      if (c === undefined) continue;
      switch (c.kind) {
        case 'time': {
          const ms = timeMs(v);
          if (ms === undefined) return null;
          vals[c.j] = ms;
          break;
        }
        case 'ms':
          if (typeof v !== 'number' || !Number.isSafeInteger(v)) return null;
          vals[c.j] = v;
          break;
        case 'bool':
          if (typeof v !== 'boolean') return null;
          vals[c.j] = v;
          break;
        case 'action': {
          const a = text(v);
          if (a === undefined || (a !== null && !/^[A-Za-z]+$/.test(a))) return null;
          vals[c.j] = a === null ? null : a.toLowerCase();
          break;
        }
        default: {
          const s = text(v);
          if (s === undefined) return null;
          vals[c.j] = s;
        }
      }
    }
    if (vals[J_AT] === undefined) return null;
    // user_id: the record's when the sample has the key (else every row takes `user`).
    vals[J_USER] = ownUser ? (vals[J_USER] ?? user) : user;
    vals[J_ACTION] ??= 'play';
    vals[J_SKIPPED] ??= vals[J_ACTION] === 'skip';
    if (!(ACTIONS as readonly string[]).includes(vals[J_ACTION] as string)) return null;
    if (!put(b, r, vals, onlyUser)) return null;
  }
  return { n: b.n, cols: b.cols };
}

const MBID = new RegExp(MBID_PATTERN);
const FIRST_MBID = new RegExp(FIRST_MBID_PATTERN);
const ISRC = new RegExp(ISRC_PATTERN);
const SPOTIFY = new RegExp(SPOTIFY_TRACK_PATTERN);
const ASCII = /^[\u0000-\u007f]*$/;

/** An id field read with a regular expression (src/formats/listenbrainz.ts); undefined when unsure. */
function idOf(v: unknown, re: RegExp, prep: (s: string) => string): string | null | undefined {
  if (v === undefined || v === null) return null;
  let s: string;
  if (typeof v === 'string') s = v;
  else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) s = JSON.stringify(v);
  else return undefined;
  if (!ASCII.test(s)) return undefined;
  return re.exec(prep(s))?.[1] || null;
}

/**
 * Rows of validated ListenBrainz listens (src/serve/lb-validate.ts) as the listenbrainz-export mapping
 * reads them, for user `user`; null to stage them in SQL.
 */
export function fastListenBrainz(listens: readonly LbListen[], user: string): FastRows | null {
  const b = new Builder(listens.length);
  const lower = (s: string) => s.toLowerCase();
  const vals = new Array<FastValue | undefined>(FAST_COLUMNS.length);
  for (const [r, l] of listens.entries()) {
    const s = l.listened_at;
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || Math.abs(s) >= 1e11) return null;
    const tm = l.track_metadata;
    const artist = text(tm.artist_name);
    const track = text(tm.track_name);
    const release = text(tm.release_name);
    if (!artist || !track || release === undefined) return null;
    const ai = tm.additional_info ?? {};
    const spotify = idOf(ai['spotify_id'], SPOTIFY, (x) => x);
    const isrc = idOf(ai['isrc'], ISRC, (x) => x.replaceAll('-', '').toUpperCase());
    const recording = idOf(ai['recording_mbid'], MBID, lower);
    const artistMbid = idOf(ai['artist_mbids'], FIRST_MBID, lower);
    const releaseMbid = idOf(ai['release_mbid'], MBID, lower);
    const player = text(ai['media_player']);
    const client = text(ai['submission_client']);
    const u = text(user);
    if ([spotify, isrc, recording, artistMbid, releaseMbid, player, client].includes(undefined) || !u) return null;
    vals.fill(undefined);
    vals[J_USER] = u;
    vals[J_AT] = s * 1000;
    vals[J_ARTIST] = artist;
    vals[J_TRACK] = track;
    vals[J('album_name')] = release;
    vals[J_SPOTIFY] = spotify ? `spotify:track:${spotify}` : null;
    vals[J_ISRC] = isrc ?? null;
    vals[J_MBID] = recording ?? null;
    vals[J_ARTIST_MBID] = artistMbid ?? null;
    vals[J_RELEASE_MBID] = releaseMbid ?? null;
    vals[J_PLATFORM] = player ?? client ?? null;
    vals[J_ACTION] = 'play';
    if (!put(b, r, vals, undefined)) return null;
  }
  return { n: b.n, cols: b.cols };
}
