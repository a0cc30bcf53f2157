// ListenBrainz's rules for POST /1/submit-listens, as its server applies them (listenbrainz/webserver/
// views/api_tools.py): the document's shape, listen_type, counts per type, per-listen size, timestamps,
// names, MBIDs, durations and tags. Each failure is a 400 with a message naming the problem; a valid
// document comes back with MBIDs that are empty or null dropped (as ListenBrainz drops them).
import { UUID as MBID_UUID } from '../formats/listenbrainz.js';

export const MAX_LISTENS_PER_REQUEST = 1000;
export const MAX_LISTEN_SIZE = 10240;
export const MAX_TAGS_PER_LISTEN = 50;
export const MAX_TAG_SIZE = 64;
/** 2002-10-01 00:00:00 UTC: Last.fm's founding; nothing is listened to before it. */
export const LISTEN_MINIMUM_TS = 1033430400;
/** How far in the future a listen may be (clock skew), seconds. */
export const LISTEN_MAX_FUTURE_S = 24 * 3600;
export const LISTEN_TYPES = ['single', 'playing_now', 'import'] as const;
export type ListenType = (typeof LISTEN_TYPES)[number];

export interface LbListen {
  readonly listened_at?: number;
  readonly track_metadata: {
    readonly artist_name: string;
    readonly track_name: string;
    readonly release_name?: string;
    readonly additional_info?: Record<string, unknown>;
  };
}

export type LbResult = { ok: true; listenType: ListenType; listens: LbListen[] } | { ok: false; error: string };

const UUID = new RegExp(`^${MBID_UUID}$`, 'i');
const MBID_KEYS = ['recording_mbid', 'release_mbid', 'release_group_mbid', 'track_mbid'];
const MBID_LIST_KEYS = ['artist_mbids', 'work_mbids'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Most levels a listen may nest. */
const MAX_DEPTH = 32;

/**
 * One walk of a listen: whether a value sits deeper than MAX_DEPTH (`deep`; the walk stops there) and
 * whether a string or key holds \u0000 (`nul`). Plain loops: this runs for every submitted listen.
 */
function scan(v: unknown, depth: number, out: { deep: boolean; nul: boolean }): void {
  if (out.deep) return;
  if (depth > MAX_DEPTH) {
    out.deep = true;
    return;
  }
  if (typeof v === 'string') {
    if (!out.nul && v.includes('\u0000')) out.nul = true;
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (const x of v) scan(x, depth + 1, out);
    return;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if (!out.nul && k.includes('\u0000')) out.nul = true;
    scan(o[k], depth + 1, out);
  }
}

/**
 * A re-serialised value is at most ~5.3 times its text (a number such as 1e20 spells out 21 digits): a
 * body this small cannot hold a listen over MAX_LISTEN_SIZE, so its listens are not serialised again to
 * be measured.
 */
const SURELY_SMALL = Math.floor(MAX_LISTEN_SIZE / 6);

/** Checks a parsed document; `now` in Unix seconds; `bodyBytes`, the size of the text it was parsed from, when known. */
export function validateSubmission(doc: unknown, now = Math.floor(Date.now() / 1000), bodyBytes = Infinity): LbResult {
  const fail = (error: string): LbResult => ({ ok: false, error });
  if (!isObj(doc)) return fail('Invalid JSON document submitted: expected an object with listen_type and payload.');
  if (!('listen_type' in doc) || !('payload' in doc)) return fail('JSON document must contain both listen_type and payload top level keys.');
  const type = doc['listen_type'];
  if (typeof type !== 'string' || !(LISTEN_TYPES as readonly string[]).includes(type)) return fail('JSON document does not contain a valid listen_type key: it must be single, playing_now or import.');
  const payload = doc['payload'];
  if (!Array.isArray(payload)) return fail('The payload must be a list of listens.');
  if (payload.length === 0) return fail('JSON document does not contain any listens in payload.');
  if (payload.length > MAX_LISTENS_PER_REQUEST) return fail(`Too many listens. You have a limit of ${MAX_LISTENS_PER_REQUEST} listens per request.`);
  if ((type === 'single' || type === 'playing_now') && payload.length !== 1) return fail(`JSON document should contain exactly one listen in payload when listen_type is ${type}.`);
  const listens: LbListen[] = [];
  for (const [i, l] of payload.entries()) {
    const at = payload.length > 1 ? ` (listen ${i + 1})` : '';
    if (!isObj(l)) return fail(`Each listen must be a JSON object${at}.`);
    const found = { deep: false, nul: false };
    scan(l, 0, found);
    if (found.deep) return fail(`Listen is nested too deeply${at}.`);
    if (bodyBytes > SURELY_SMALL && Buffer.byteLength(JSON.stringify(l)) > MAX_LISTEN_SIZE) return fail(`Listen size exceeds max of ${MAX_LISTEN_SIZE} bytes${at}.`);
    if (found.nul) return fail(`\\u0000 is not allowed in listens${at}.`);
    if (type === 'playing_now') {
      if ('listened_at' in l) return fail('JSON document should not contain listened_at when listen_type is playing_now.');
    } else {
      if (!('listened_at' in l)) return fail(`JSON document must contain the key listened_at at the top level${at}.`);
      const ts = l['listened_at'];
      if (typeof ts !== 'number' || !Number.isInteger(ts)) return fail(`Value for key listened_at must be an integer number of seconds since the Unix epoch${at}.`);
      if (ts < LISTEN_MINIMUM_TS) return fail(`Value for key listened_at is too low. listened_at timestamp should be greater than ${LISTEN_MINIMUM_TS} (2002-10-01 00:00:00 UTC)${at}.`);
      if (ts > now + LISTEN_MAX_FUTURE_S) return fail(`Value for key listened_at is too high: it is more than a day in the future (seconds, not milliseconds or nanoseconds, are expected)${at}.`);
    }
    const tm = l['track_metadata'];
    if (!('track_metadata' in l) || tm === null) return fail(`JSON document does not contain required track_metadata${at}.`);
    if (!isObj(tm)) return fail(`track_metadata must be a JSON object${at}.`);
    for (const k of ['artist_name', 'track_name'] as const) {
      const v = tm[k];
      if (v === undefined || v === null) return fail(`JSON document does not contain required track_metadata.${k}${at}.`);
      if (typeof v !== 'string') return fail(`track_metadata.${k} must be a single string${at}.`);
      if (v.trim() === '') return fail(`track_metadata.${k} must not be empty${at}.`);
    }
    if ('release_name' in tm && tm['release_name'] !== null && typeof tm['release_name'] !== 'string') return fail(`track_metadata.release_name must be a string${at}.`);
    let info: Record<string, unknown> | undefined;
    if ('additional_info' in tm && tm['additional_info'] !== null) {
      if (!isObj(tm['additional_info'])) return fail(`track_metadata.additional_info must be a JSON object${at}.`);
      info = { ...tm['additional_info'] };
      const tags = info['tags'];
      if (tags !== undefined && tags !== null) {
        if (!Array.isArray(tags)) return fail(`additional_info.tags must be a list of strings${at}.`);
        if (tags.length > MAX_TAGS_PER_LISTEN) return fail(`JSON document may not contain more than ${MAX_TAGS_PER_LISTEN} items in track_metadata.additional_info.tags${at}.`);
        for (const t of tags) {
          if (typeof t !== 'string') return fail(`additional_info.tags must be a list of strings${at}.`);
          if (t.length > MAX_TAG_SIZE) return fail(`JSON document may not contain track_metadata.additional_info.tags longer than ${MAX_TAG_SIZE} characters${at}.`);
        }
      }
      const hasD = 'duration' in info;
      const hasDms = 'duration_ms' in info;
      if (hasD && hasDms) return fail(`JSON document should not contain both duration and duration_ms${at}.`);
      if (hasD) {
        const d = info['duration'];
        if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) return fail(`Value for duration is invalid, should be a positive integer${at}.`);
      }
      if (hasDms) {
        const d = info['duration_ms'];
        if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) return fail(`Value for duration_ms is invalid, should be a positive number${at}.`);
      }
      for (const k of MBID_KEYS) {
        const v = info[k];
        if (v === null || v === '' || v === undefined) {
          delete info[k];
          continue;
        }
        if (typeof v !== 'string' || !UUID.test(v)) return fail(`${k} "${String(v).slice(0, 80)}" is not a valid MusicBrainz id (a UUID)${at}.`);
      }
      for (const k of MBID_LIST_KEYS) {
        const v = info[k];
        if (v === null || v === undefined) {
          delete info[k];
          continue;
        }
        if (!Array.isArray(v)) return fail(`${k} must be a list of MusicBrainz ids${at}.`);
        const kept: string[] = [];
        for (const m of v) {
          if (m === null || m === '') continue;
          if (typeof m !== 'string' || !UUID.test(m)) return fail(`${k} contains "${String(m).slice(0, 80)}", which is not a valid MusicBrainz id (a UUID)${at}.`);
          kept.push(m);
        }
        info[k] = kept;
      }
    }
    const meta: LbListen['track_metadata'] = {
      artist_name: tm['artist_name'] as string,
      track_name: tm['track_name'] as string,
      ...(typeof tm['release_name'] === 'string' ? { release_name: tm['release_name'] } : {}),
      ...(info ? { additional_info: info } : {}),
    };
    listens.push(type === 'playing_now' ? { track_metadata: meta } : { listened_at: l['listened_at'] as number, track_metadata: meta });
  }
  return { ok: true, listenType: type as ListenType, listens };
}
