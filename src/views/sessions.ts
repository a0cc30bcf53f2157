// sessions: per user, listening sessions in event time. A listen covers [start, start + ms_played]; two
// listens belong to one session when the later starts at most `gap` (default 30 minutes) after the end
// of everything before it — the rule of the batch `sessions` report (which also honours a source's own
// session ids; this view uses the gap alone). A session closes (final row, state dropped) once the
// watermark is past its end + gap: no listen that can still arrive could join it.
//
// State: each user's latest open session in typed arrays (the hot path: a listen in order extends it or
// starts a new one), and the rare older sessions still open in a map. A listen arriving out of order
// may extend a session backwards or merge two; the rows they had are deleted.
import type { SnapshotReader, SnapshotWriter } from '../engine/snapshot.js';
import { ACTION_SKIP, type ListenBatch } from '../engine/types.js';
import { IntList } from '../engine/windows.js';
import { VIEW_TABLES, type ChangeSet, type RowBuffer } from './tables.js';
import type { View, ViewContext, ViewStats } from './types.js';

interface Sess {
  start: number;
  end: number;
  plays: number;
  ms: number;
  skips: number;
  /** Start under which the row was last written (NaN: never). */
  emitted: number;
  dirty: boolean;
}

/** Each user's latest open session, one cache line: the fields below at u * REC + field. */
const REC = 8;
const START = 0;
const END = 1;
const PLAYS = 2;
const MS = 3;
const SKIPS = 4;
/** Start under which its row was last written, NaN never. */
const EMITTED = 5;
/** 1 while the user has an open session. */
const OPEN = 6;
/** Bit 1: the latest session changed since the last flush; bit 2: the user is in the changed list. */
const FLAGS = 7;

export class Sessions implements View {
  readonly name = 'sessions';
  private cap = 0;
  private users = 0;
  private rec = new Float64Array(0);
  /** Older sessions still open, per user, in start order (all before the latest). */
  private readonly older = new Map<number, Sess[]>();
  private readonly changed = new IntList(1024);
  /** Rows to delete: [user, start] pairs of sessions that merged or moved. */
  private readonly gone: number[] = [];
  private readonly gap: number;

  constructor(private readonly ctx: ViewContext) {
    this.gap = ctx.config.sessionGap;
  }

  private ensure(users: number): void {
    this.users = Math.max(this.users, users);
    if (users <= this.cap) return;
    const n = Math.max(users, this.cap * 2, 1024);
    const r = new Float64Array(n * REC);
    r.set(this.rec);
    this.rec = r;
    this.cap = n;
  }

  add(b: ListenBatch, acc: Uint8Array): void {
    this.ensure(this.ctx.dicts.users.size);
    const { user, ts, ms, action } = b;
    const gap = this.gap;
    const rec = this.rec;
    for (let i = 0; i < b.n; i++) {
      if (acc[i] === 0) continue;
      const u = user[i]!;
      const o = u * REC;
      const s = ts[i]!;
      const m = ms[i]! > 0 ? ms[i]! : 0;
      const skip = action[i] === ACTION_SKIP ? 1 : 0;
      if (rec[o + OPEN] === 1 && s >= rec[o + START]!) {
        if (s - rec[o + END]! <= gap) {
          if (s + m > rec[o + END]!) rec[o + END] = s + m;
          rec[o + PLAYS]!++;
          rec[o + MS]! += m;
          rec[o + SKIPS]! += skip;
        } else {
          // A new session; the latest one moves to the older list until the watermark closes it.
          let list = this.older.get(u);
          if (!list) this.older.set(u, (list = []));
          list.push(this.latest(u));
          this.begin(o, s, m, skip);
        }
      } else if (rec[o + OPEN] === 0) {
        rec[o + OPEN] = 1;
        this.begin(o, s, m, skip);
      } else this.insert(u, s, m, skip);
      const f = rec[o + FLAGS]!;
      if (f < 2) this.changed.push(u);
      rec[o + FLAGS] = 3;
    }
  }

  private begin(o: number, s: number, m: number, skip: number): void {
    const rec = this.rec;
    rec[o + START] = s;
    rec[o + END] = s + m;
    rec[o + PLAYS] = 1;
    rec[o + MS] = m;
    rec[o + SKIPS] = skip;
    rec[o + EMITTED] = NaN;
  }

  private latest(u: number): Sess {
    const o = u * REC;
    const r = this.rec;
    return { start: r[o + START]!, end: r[o + END]!, plays: r[o + PLAYS]!, ms: r[o + MS]!, skips: r[o + SKIPS]!, emitted: r[o + EMITTED]!, dirty: (r[o + FLAGS]! & 1) === 1 };
  }

  private setLatest(u: number, x: Sess): void {
    const o = u * REC;
    const r = this.rec;
    r[o + START] = x.start;
    r[o + END] = x.end;
    r[o + PLAYS] = x.plays;
    r[o + MS] = x.ms;
    r[o + SKIPS] = x.skips;
    r[o + EMITTED] = x.emitted;
    r[o + FLAGS] = (r[o + FLAGS]! & 2) | (x.dirty ? 1 : 0);
  }

  /**
   * A listen that starts before the user's latest session: it joins every open session it touches (open
   * sessions never touch each other, so one pass in start order finds them). The earliest of those
   * survives and takes the others in; their rows are deleted.
   */
  private insert(u: number, s: number, m: number, skip: number): void {
    const gap = this.gap;
    const list = [...(this.older.get(u) ?? []), this.latest(u)];
    let lo = s;
    let hi = s + m;
    let plays = 1;
    let ms = m;
    let skips = skip;
    let keep: Sess | null = null;
    const kept: Sess[] = [];
    for (const x of list) {
      const touches = x.start <= lo ? lo - x.end <= gap : x.start - hi <= gap;
      if (!touches) {
        kept.push(x);
        continue;
      }
      lo = Math.min(lo, x.start);
      hi = Math.max(hi, x.end);
      plays += x.plays;
      ms += x.ms;
      skips += x.skips;
      if (keep === null) keep = x;
      else if (!Number.isNaN(x.emitted)) this.gone.push(u, x.emitted);
    }
    if (keep === null) keep = { start: lo, end: hi, plays: 0, ms: 0, skips: 0, emitted: NaN, dirty: true };
    Object.assign(keep, { start: lo, end: hi, plays, ms, skips, dirty: true });
    kept.push(keep);
    kept.sort((a, b) => a.start - b.start);
    this.setLatest(u, kept.pop()!);
    if (kept.length > 0) this.older.set(u, kept);
    else this.older.delete(u);
  }

  private write(buf: RowBuffer, u: number, x: { start: number; end: number; plays: number; ms: number; skips: number; emitted: number }, open: boolean): void {
    if (!Number.isNaN(x.emitted) && x.emitted !== x.start) this.gone.push(u, x.emitted);
    const row = buf.add();
    buf.set(row, 0, u);
    buf.set(row, 1, x.start);
    buf.set(row, 2, x.end);
    buf.set(row, 3, x.plays);
    buf.set(row, 4, x.ms);
    buf.set(row, 5, x.skips);
    buf.set(row, 6, open ? 1 : 0);
  }

  flush(watermark: number, out: ChangeSet): void {
    const t = VIEW_TABLES.sessions;
    const buf = out.out(t);
    const gap = this.gap;
    const rec = this.rec;
    // Changed sessions that stay open.
    for (let i = 0; i < this.changed.n; i++) {
      const u = this.changed.a[i]!;
      const o = u * REC;
      for (const x of this.older.get(u) ?? []) {
        if (x.dirty && !(x.end + gap < watermark)) {
          this.write(buf, u, x, true);
          x.emitted = x.start;
          x.dirty = false;
        }
      }
      if (rec[o + OPEN] === 1 && (rec[o + FLAGS]! & 1) === 1 && !(rec[o + END]! + gap < watermark)) {
        this.write(buf, u, this.latest(u), true);
        rec[o + EMITTED] = rec[o + START]!;
        rec[o + FLAGS] = 0;
      } else rec[o + FLAGS] = rec[o + FLAGS]! & 1;
    }
    this.changed.n = 0;
    // Sessions the watermark has closed: their final row, then they leave the state.
    for (const [u, list] of this.older) {
      let k = 0;
      while (k < list.length && list[k]!.end + gap < watermark) this.write(buf, u, list[k++]!, false);
      if (k === list.length) this.older.delete(u);
      else if (k > 0) list.splice(0, k);
    }
    for (let u = 0, o = 0; u < this.users; u++, o += REC) {
      if (rec[o + OPEN] === 1 && rec[o + END]! + gap < watermark) {
        this.write(buf, u, this.latest(u), false);
        rec[o + OPEN] = 0;
        rec[o + FLAGS] = 0;
      }
    }
    if (this.gone.length > 0) {
      const del = out.del(t);
      for (let i = 0; i < this.gone.length; i += 2) {
        const row = del.add();
        del.set(row, 0, this.gone[i]!);
        del.set(row, 1, this.gone[i + 1]!);
      }
      this.gone.length = 0;
    }
  }

  snapshot(w: SnapshotWriter): void {
    const rows: number[] = [];
    for (const [u, list] of this.older) for (const x of list) rows.push(u, x.start, x.end, x.plays, x.ms, x.skips, x.emitted);
    w.f64('older', Float64Array.from(rows));
    w.json('users', this.users);
    w.f64('rec', this.rec.subarray(0, this.users * REC));
  }

  restore(r: SnapshotReader): void {
    this.cap = 0;
    this.users = 0;
    this.rec = new Float64Array(0);
    this.ensure(r.json<number>('users'));
    this.rec.set(r.f64('rec'));
    this.older.clear();
    const a = r.f64('older');
    for (let i = 0; i < a.length; i += 7) {
      const u = a[i]!;
      let list = this.older.get(u);
      if (!list) this.older.set(u, (list = []));
      list.push({ start: a[i + 1]!, end: a[i + 2]!, plays: a[i + 3]!, ms: a[i + 4]!, skips: a[i + 5]!, emitted: a[i + 6]!, dirty: false });
    }
    this.changed.n = 0;
    this.gone.length = 0;
  }

  stats(): ViewStats {
    let older = 0;
    for (const l of this.older.values()) older += l.length;
    let open = older;
    for (let u = 0; u < this.users; u++) open += this.rec[u * REC + OPEN]!;
    return { keys: open, bytes: this.rec.byteLength + older * 96 };
  }
}
