// The wire format of listens in JetStream: one JSON message carries a batch of listens in columns, with
// the message's own dictionaries of users, tracks and artists (one message per listen is too slow in
// Node: about 26k msgs/s with acks against 239k without). Version 1:
//   {"v":1,"sent_at":<epoch ms>,"n":<listens>,
//    "users":[user_id...], "tracks":[[track_key,track_name,artist_name,genre,mood]...], "artists":[name...],
//    "u":[index into users], "t":[index into tracks], "a":[index into artists or -1],
//    "ts":[listened_at epoch ms], "ms":[ms_played or -1], "ac":[action: 0 play 1 pause 2 skip 3 complete 4 none],
//    optional "src":"<publisher session>", "uid"/"tid"/"aid":[the publisher's ids of users/tracks/artists]}
// A listen that breaks a rule of src/model/rules.ts is rejected on the way in, like a bad row in an import.
import type { Dicts } from '../../dict.js';
import { randomBytes } from 'node:crypto';
import { checkListen, MIN_LISTEN_MS, type ListenLike } from '../../../model/rules.js';
import { ACTION_NAMES, ACTION_UNKNOWN, allocBatch, type ListenBatch } from '../../types.js';

export interface WireBatch {
  v: 1;
  sent_at: number;
  n: number;
  /** Publisher session and the publisher's own ids of users, tracks and artists (optional; see DecodeMemo). */
  src?: string;
  uid?: number[];
  tid?: number[];
  aid?: number[];
  users: string[];
  tracks: (string | null)[][];
  artists: string[];
  u: number[];
  t: number[];
  a: number[];
  ts: number[];
  ms: number[];
  ac: number[];
}

/**
 * Encodes slices of batches as messages. Local dictionary indexes are kept in arrays indexed by the
 * engine's ids with a per-message stamp, so building a message costs no Map lookups.
 */
export class BatchEncoder {
  private stamp = 0;
  private seen = { u: new Int32Array(0), t: new Int32Array(0), a: new Int32Array(0) };
  private local = { u: new Int32Array(0), t: new Int32Array(0), a: new Int32Array(0) };

  /** Identifies this encoder's ids (they mean something only with its dictionaries). */
  private readonly session = randomBytes(8).toString('hex');

  constructor(private readonly d: Dicts) {}

  private fit(k: 'u' | 't' | 'a', n: number): void {
    if (this.seen[k].length >= n) return;
    const m = Math.max(n, this.seen[k].length * 2, 1024);
    const s = new Int32Array(m);
    s.set(this.seen[k]);
    this.seen[k] = s;
    const l = new Int32Array(m);
    l.set(this.local[k]);
    this.local[k] = l;
  }

  /** Listens [from, to) of a batch as one message, with strings from the dictionaries. */
  encode(b: ListenBatch, from: number, to: number, sentAt: number): Uint8Array {
    const d = this.d;
    this.fit('u', d.users.size);
    this.fit('t', d.tracks.size);
    this.fit('a', d.artists.size);
    const s = ++this.stamp;
    const { seen, local } = this;
    const n = to - from;
    const w: WireBatch = { v: 1, sent_at: sentAt, n, src: this.session, uid: [], tid: [], aid: [], users: [], tracks: [], artists: [], u: new Array<number>(n), t: new Array<number>(n), a: new Array<number>(n), ts: new Array<number>(n), ms: new Array<number>(n), ac: new Array<number>(n) };
    for (let i = from, k = 0; i < to; i++, k++) {
      const u = b.user[i]!;
      if (seen.u[u] !== s) {
        seen.u[u] = s;
        local.u[u] = w.users.length;
        w.users.push(d.users.values[u]!);
        w.uid!.push(u);
      }
      const t = b.track[i]!;
      if (seen.t[t] !== s) {
        seen.t[t] = s;
        local.t[t] = w.tracks.length;
        w.tid!.push(t);
        const g = d.trackGenre[t]!;
        const mo = d.trackMood[t]!;
        w.tracks.push([d.tracks.values[t]!, d.trackName[t] ?? null, d.trackArtist[t] ?? null, g >= 0 ? d.genres.values[g]! : null, mo >= 0 ? d.moods.values[mo]! : null]);
      }
      const a = b.artist[i]!;
      if (a >= 0 && seen.a[a] !== s) {
        seen.a[a] = s;
        local.a[a] = w.artists.length;
        w.artists.push(d.artists.values[a]!);
        w.aid!.push(a);
      }
      w.u[k] = local.u[u]!;
      w.t[k] = local.t[t]!;
      w.a[k] = a < 0 ? -1 : local.a[a]!;
      w.ts[k] = b.ts[i]!;
      w.ms[k] = b.ms[i]!;
      w.ac[k] = b.action[i]!;
    }
    return Buffer.from(JSON.stringify(w));
  }
}

/** Listens [from, to) of a batch as one message (one-off; publishers keep a BatchEncoder). */
export function encodeBatch(b: ListenBatch, from: number, to: number, d: Dicts, sentAt: number): Uint8Array {
  return new BatchEncoder(d).encode(b, from, to, sentAt);
}

export interface Decoded {
  readonly batch: ListenBatch;
  readonly rejected: number;
  readonly sentAt: number | null;
}

const isArr = (x: unknown, n: number): x is unknown[] => Array.isArray(x) && x.length === n;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * What a consumer remembers of each publisher session: the engine id of each publisher id, so a user,
 * track or artist seen in an earlier message is not looked up by its string again (string hashing was
 * the largest cost of decoding). Only a shortcut: every message still carries its strings.
 */
export class DecodeMemo {
  private readonly sessions = new Map<string, { u: Int32Array; t: Int32Array; a: Int32Array }>();

  /** Arrays for a publisher session (engine id + 1, 0 = unknown), grown to hold `ids`. */
  get(src: string, kind: 'u' | 't' | 'a', ids: readonly unknown[] | undefined): Int32Array | null {
    if (!Array.isArray(ids)) return null;
    let max = -1;
    for (const x of ids) {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 1e8) return null;
      if (x > max) max = x;
    }
    let m = this.sessions.get(src);
    if (!m) {
      if (this.sessions.size > 64) this.sessions.clear();
      this.sessions.set(src, (m = { u: new Int32Array(0), t: new Int32Array(0), a: new Int32Array(0) }));
    }
    if (m[kind].length <= max) {
      const b = new Int32Array(Math.max(max + 1, m[kind].length * 2, 1024));
      b.set(m[kind]);
      m[kind] = b;
    }
    return m[kind];
  }
}

/** A message into a batch (ids from the dictionaries); a message that is not a v1 batch counts as one rejected record. */
export function decodeBatch(data: Uint8Array, d: Dicts, now = Date.now(), memo?: DecodeMemo): Decoded {
  let w: WireBatch;
  try {
    w = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as WireBatch;
  } catch {
    return { batch: allocEmpty(), rejected: 1, sentAt: null };
  }
  const n = w?.n;
  if (!w || w.v !== 1 || !Number.isInteger(n) || n < 0 || ![w.u, w.t, w.a, w.ts, w.ms, w.ac].every((c) => isArr(c, n)) || !Array.isArray(w.users) || !Array.isArray(w.tracks) || !Array.isArray(w.artists)) {
    return { batch: allocEmpty(), rejected: Number.isInteger(n) && n > 0 ? n : 1, sentAt: null };
  }
  const src = typeof w.src === 'string' && memo ? w.src : null;
  const mu = src ? memo!.get(src, 'u', isArr(w.uid, w.users.length) ? w.uid : undefined) : null;
  const mt = src ? memo!.get(src, 't', isArr(w.tid, w.tracks.length) ? w.tid : undefined) : null;
  const ma = src ? memo!.get(src, 'a', isArr(w.aid, w.artists.length) ? w.aid : undefined) : null;
  const l: ListenLike = { user_id: null, listened_at: MIN_LISTEN_MS, ms_played: null, action: null, track_key: 'k' };
  // Users, tracks and artists of the message, checked once each and given engine ids (-1: invalid).
  const userIds = new Int32Array(w.users.length);
  w.users.forEach((x, i) => {
    const memoed = mu ? mu[w.uid![i]!]! - 1 : -1;
    if (memoed >= 0) return void (userIds[i] = memoed);
    l.user_id = typeof x === 'string' ? x : null;
    userIds[i] = checkListen(l, now) === null ? d.users.id(x) : -1;
    if (mu && userIds[i]! >= 0) mu[w.uid![i]!] = userIds[i]! + 1;
  });
  l.user_id = 'u';
  const trackIds = new Int32Array(w.tracks.length);
  w.tracks.forEach((x, i) => {
    const memoed = mt ? mt[w.tid![i]!]! - 1 : -1;
    if (memoed >= 0) return void (trackIds[i] = memoed);
    l.track_key = Array.isArray(x) && typeof x[0] === 'string' && x[0].trim() !== '' ? x[0] : null;
    trackIds[i] = checkListen(l, now) === null && Array.isArray(x) ? d.track(x[0] as string, str(x[1]), str(x[2]), str(x[3]), str(x[4])) : -1;
    if (mt && trackIds[i]! >= 0) mt[w.tid![i]!] = trackIds[i]! + 1;
  });
  l.track_key = 'k';
  const artistIds = new Int32Array(w.artists.length);
  w.artists.forEach((x, i) => {
    const memoed = ma ? ma[w.aid![i]!]! - 1 : -1;
    if (memoed >= 0) return void (artistIds[i] = memoed);
    artistIds[i] = typeof x === 'string' && x !== '' ? d.artists.id(x) : -1;
    if (ma && artistIds[i]! >= 0) ma[w.aid![i]!] = artistIds[i]! + 1;
  });
  const c = allocBatch(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const ts = w.ts[i]!;
    const ms = w.ms[i]!;
    const ac = w.ac[i]!;
    const u = userIds[w.u[i]!] ?? -1;
    const t = trackIds[w.t[i]!] ?? -1;
    const ai = w.a[i]!;
    if (u < 0 || t < 0 || !Number.isInteger(ms) || !(ai === -1 || (Number.isInteger(ai) && ai >= 0 && ai < artistIds.length))) continue;
    l.listened_at = typeof ts === 'number' ? ts : null;
    l.ms_played = ms >= 0 ? ms : null;
    l.action = ac === ACTION_UNKNOWN ? null : (ACTION_NAMES[ac] ?? 'invalid');
    if (checkListen(l, now) !== null) continue;
    c.user[k] = u;
    c.track[k] = t;
    c.artist[k] = ai >= 0 ? artistIds[ai]! : -1;
    c.ts[k] = ts;
    c.ms[k] = ms;
    c.action[k] = ac;
    k++;
  }
  const batch: ListenBatch = { n: k, user: c.user.subarray(0, k), track: c.track.subarray(0, k), artist: c.artist.subarray(0, k), ts: c.ts.subarray(0, k), ms: c.ms.subarray(0, k), action: c.action.subarray(0, k) };
  return { batch, rejected: n - k, sentAt: typeof w.sent_at === 'number' ? w.sent_at : null };
}

function allocEmpty(): ListenBatch {
  return { n: 0, ...allocBatch(0) };
}
