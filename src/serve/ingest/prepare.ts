// What a group commit needs of a body the fast path read (fast-stage.ts): each row's listen id, as the
// two 32-bit halves the duplicate check looks up (IdSet), and the rows as the payload of an ingest-log
// record (pending.ts). A large body is prepared whole on a parse worker (parse-worker.ts), which hands
// over typed arrays and bytes; a small one keeps its rows, and the commit encodes the small bodies of a
// group together, as one record (a record per single-listen request cost the loader ~30 µs each).
import { listenIdHex } from '../../model/keys.js';
import { FAST_COLUMNS, type FastRows, type FastValue } from './fast-stage.js';
import { hasExtra, wrapRecord, type PendingRecord } from './pending.js';

export interface Prepared {
  /** Rows of the body. */
  readonly n: number;
  /** Listen ids (the first 64 bits of the md5 listenIdHex gives), high and low halves. */
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  /** The payload of the body's record (encodePayload), when prepared whole; else `rows` and `ids`. */
  readonly payload?: Uint8Array;
  /** Whether the rows set a column of pending_extra (pending.ts). */
  readonly extra: boolean;
  readonly rows?: FastRows;
  readonly ids?: readonly string[];
}

/** Printable ASCII words with single spaces between them: names whose key is 'name:' + lower-cased artist + ' — ' + title in SQL as in TypeScript. */
const PLAIN = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

const J_USER = FAST_COLUMNS.findIndex((c) => c.name === 'user_id');
const J_AT = FAST_COLUMNS.findIndex((c) => c.name === 'listened_at');
const J_KEY = FAST_COLUMNS.findIndex((c) => c.name === 'track_key');
const J_ARTIST = FAST_COLUMNS.findIndex((c) => c.name === 'artist_name');
const J_TRACK = FAST_COLUMNS.findIndex((c) => c.name === 'track_name');

/** The track keys, with null where the names spell the key plainly (most name-keyed listens): fewer bytes, and no '—' that makes the whole payload's text two bytes a character. */
function spelledKeys(keys: readonly unknown[], artists: readonly unknown[] | null, tracks: readonly unknown[] | null): unknown[] {
  if (!artists || !tracks) return keys as unknown[];
  return keys.map((k, r) => {
    const a = artists[r];
    const t = tracks[r];
    return typeof a === 'string' && typeof t === 'string' && PLAIN.test(a) && PLAIN.test(t) && k === `name:${a.toLowerCase()} — ${t.toLowerCase()}` ? null : k;
  });
}

/** The value every item of `values` holds, or undefined when they differ (or hold null). */
function constant(values: readonly unknown[]): unknown {
  const v = values[0];
  if (v === null || v === undefined) return undefined;
  for (let i = 1; i < values.length; i++) if (values[i] !== v) return undefined;
  return v;
}

/**
 * A record's payload, UTF-8 JSON: {"source", "origin", "id": [hex16...], "c": {column: [values...]},
 * "k": {column: value}}, for rows given column by column (FAST_COLUMNS order, null for a column no row
 * sets). A column whose rows all hold the same value is in `k` instead of `c`; a track_key that the
 * names spell plainly is null (pending.ts spells it from them again).
 */
export function encodePayload(cols: readonly (readonly FastValue[] | null | undefined)[], id: readonly string[], source: string, origin: string): Buffer {
  const c: Record<string, unknown> = {};
  const k: Record<string, unknown> = {};
  FAST_COLUMNS.forEach((col, j) => {
    const values = j === J_KEY && cols[j] ? spelledKeys(cols[j]!, cols[J_ARTIST] ?? null, cols[J_TRACK] ?? null) : cols[j];
    if (!values) return;
    const same = constant(values);
    if (same !== undefined) k[col.name] = same;
    else if (j !== J_KEY || values.some((v) => v !== null)) c[col.name] = values;
  });
  return Buffer.from(JSON.stringify({ source, origin, id, c, k }));
}

/** The listen ids of a body's rows. */
function ids(rows: FastRows): { hi: Uint32Array; lo: Uint32Array; id: string[] } {
  const { n, cols } = rows;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const id = new Array<string>(n);
  const users = cols[J_USER]!;
  const ats = cols[J_AT]!;
  const keys = cols[J_KEY]!;
  for (let r = 0; r < n; r++) {
    const d = listenIdHex(users[r] as string, ats[r] as number, keys[r] as string);
    hi[r] = parseInt(d.slice(0, 8), 16);
    lo[r] = parseInt(d.slice(8, 16), 16);
    id[r] = d.slice(0, 16);
  }
  return { hi, lo, id };
}

/** A body's ids and, with `whole`, its record's payload (else its rows, for the commit to encode). */
export function prepareRows(rows: FastRows, source: string, origin: string, whole: boolean): Prepared {
  const { hi, lo, id } = ids(rows);
  const extra = hasExtra(FAST_COLUMNS.filter((_, j) => rows.cols[j]).map((c) => c.name));
  if (whole) return { n: rows.n, hi, lo, extra, payload: encodePayload(rows.cols, id, source, origin) };
  return { n: rows.n, hi, lo, extra, rows, ids: id };
}

/** A body of a group commit, prepared. */
export interface GroupItem {
  readonly pre: Prepared;
  readonly source: string;
  readonly origin: string;
}

/**
 * The log records of a group commit: a body prepared whole is a record of its own (its duplicates left
 * out by number); the new rows of the others are encoded together, one record per source and origin.
 * `kept[i]` says how many rows of body i are new and which are not (`skip`, ascending); sequence
 * numbers run from `firstSeq`, in the order of the records.
 */
export function groupRecords(items: readonly GroupItem[], kept: readonly { accepted: number; skip: readonly number[] }[], firstSeq: number, atMs: number): PendingRecord[] {
  const records: PendingRecord[] = [];
  let seq = firstSeq;
  const merged = new Map<string, { source: string; origin: string; cols: (FastValue[] | null)[]; ids: string[]; extra: boolean }>();
  items.forEach((it, i) => {
    const x = kept[i]!;
    if (x.accepted === 0) return;
    if (it.pre.payload) {
      records.push(wrapRecord(seq, x.accepted, atMs, x.skip, it.pre.payload, it.pre.extra));
      seq += x.accepted;
      return;
    }
    const key = `${it.source}\u0000${it.origin}`;
    let m = merged.get(key);
    if (!m) merged.set(key, (m = { source: it.source, origin: it.origin, cols: FAST_COLUMNS.map(() => null), ids: [], extra: false }));
    m.extra ||= it.pre.extra;
    appendRows(m, it.pre, x.skip);
  });
  for (const m of merged.values()) {
    records.push(wrapRecord(seq, m.ids.length, atMs, [], encodePayload(m.cols, m.ids, m.source, m.origin), m.extra));
    seq += m.ids.length;
  }
  return records;
}

/** Adds a body's rows but those in `skip` (ascending) to merged columns (a column a body lacks is null for its rows). */
function appendRows(m: { cols: (FastValue[] | null)[]; ids: string[] }, pre: Prepared, skip: readonly number[]): void {
  const rows = pre.rows!;
  const before = m.ids.length;
  const keep: number[] = [];
  let s = 0;
  for (let r = 0; r < rows.n; r++) {
    if (s < skip.length && skip[s] === r) s++;
    else {
      keep.push(r);
      m.ids.push(pre.ids![r]!);
    }
  }
  rows.cols.forEach((values, j) => {
    if (!values) return;
    const col = (m.cols[j] ??= new Array<FastValue>(before).fill(null));
    for (const r of keep) col.push(values[r]!);
  });
  for (const col of m.cols) if (col) while (col.length < m.ids.length) col.push(null);
}
