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


/** FastRows under construction. */
interface Builder {
  n: number;
  readonly cols: (FastValue[] | null)[];
  /** Columns allocated so far. */
  readonly used: number[];
}

const COL_INDEX = new Map(FAST_COLUMNS.map((c, i) => [c.name, i]));
const VARCHAR_COLS = new Set(FAST_COLUMNS.filter((c) => c.type === 'VARCHAR').map((c) => c.name));
const BOOL_COLS = new Set(FAST_COLUMNS.filter((c) => c.type === 'BOOLEAN').map((c) => c.name));

/**
 * Text the SQL reads the same way: no surrounding whitespace (SQL trims spaces only, JavaScript every
 * kind), no whitespace SQL's regular expressions do not count as such (\s there is ASCII), no character
 * whose lower case differs between JavaScript and DuckDB (İ, Σ), no NUL or \u0001 (the line reader's
 * delimiter).
 */
const UNSURE_TEXT = /^\s|\s$|[\u0000\u0001\u000b\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u0130\u03a3]/;

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

function builder(): Builder {
  return { n: 0, cols: FAST_COLUMNS.map(() => null), used: [] };
}

/** Adds one row; false when the row breaks a listen rule (the SQL path then rejects it, naming the rule). */
function push(b: Builder, row: Record<string, FastValue>, onlyUser: string | undefined): boolean {
  const key = trackKey(row as Parameters<typeof trackKey>[0]);
  if (key === null) return false;
  row['track_key'] = key;
  const user = row['user_id'];
  if (typeof user !== 'string' || (onlyUser !== undefined && user !== onlyUser)) return false;
  const at = row['listened_at'];
  const played = row['ms_played'];
  const action = row['action'];
  if (checkListen({ user_id: user, listened_at: typeof at === 'number' ? at : null, ms_played: typeof played === 'number' ? played : null, action: typeof action === 'string' ? action : null, track_key: key })) return false;
  for (const k in row) {
    const v = row[k];
    const j = COL_INDEX.get(k);
    if (v === null || v === undefined || j === undefined) continue;
    let col = b.cols[j];
    if (!col) {
      col = b.cols[j] = new Array<FastValue>(b.n).fill(null);
      b.used.push(j);
    }
    col.push(v);
  }
  b.n++;
  for (const j of b.used) if (b.cols[j]!.length < b.n) b.cols[j]!.push(null);
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
  const b = builder();
  for (const line of lines) {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      return null;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
    const rec = o as Record<string, unknown>;
    const row: Record<string, FastValue> = {};
    for (const k in rec) {
      const v = rec[k];
      if (v === null || !COL_INDEX.has(k) || k === 'track_key') continue;
      if (k === 'listened_at') {
        const ms = timeMs(v);
        if (ms === undefined) return null;
        row[k] = ms;
      } else if (k === 'ms_played') {
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) return null;
        row[k] = v;
      } else if (BOOL_COLS.has(k)) {
        if (typeof v !== 'boolean') return null;
        row[k] = v;
      } else if (k === 'action') {
        const a = text(v);
        if (a === undefined || (a !== null && !/^[A-Za-z]+$/.test(a))) return null;
        row[k] = a === null ? null : a.toLowerCase();
      } else if (VARCHAR_COLS.has(k)) {
        const s = text(v);
        if (s === undefined) return null;
        row[k] = s;
      }
    }
    if (row['listened_at'] === undefined) return null;
    // user_id: the record's when the sample has the key (else every row takes `user`).
    row['user_id'] = headKeys.has('user_id') ? (row['user_id'] ?? user) : user;
    row['action'] ??= 'play';
    row['skipped'] ??= row['action'] === 'skip';
    if (!(ACTIONS as readonly string[]).includes(row['action'] as string)) return null;
    if (!push(b, row, onlyUser)) return null;
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
  const b = builder();
  const lower = (s: string) => s.toLowerCase();
  for (const l of listens) {
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
    const row: Record<string, FastValue> = {
      user_id: u,
      listened_at: s * 1000,
      artist_name: artist,
      track_name: track,
      album_name: release,
      spotify_track_uri: spotify ? `spotify:track:${spotify}` : null,
      isrc: isrc ?? null,
      recording_mbid: recording ?? null,
      artist_mbid: artistMbid ?? null,
      release_mbid: releaseMbid ?? null,
      platform: player ?? client ?? null,
      action: 'play',
    };
    if (!push(b, row, undefined)) return null;
  }
  return { n: b.n, cols: b.cols };
}
