// user_profiles: per user, running plays, minutes, skips (skip rate), first and last listen, and the top
// three genres, moods and artists with their counts (mood tags are derived from the mood counts when the
// view is read). State per user is fixed-size typed arrays: see docs/engine.md for its size.
import type { SnapshotReader, SnapshotWriter } from '../engine/snapshot.js';
import { SlotCounters } from '../engine/slots.js';
import { ACTION_SKIP, type ListenBatch } from '../engine/types.js';
import { IntList } from '../engine/windows.js';
import { VIEW_TABLES, type ChangeSet } from './tables.js';
import type { View, ViewContext, ViewStats } from './types.js';

/** Genre and mood slots per user; more distinct ones spill into an exact overflow map. */
export const GENRE_SLOTS = 16;
export const MOOD_SLOTS = 8;
/** Per-user record, one cache line: the fields below at u * REC + field. */
const REC = 8;
const PLAYS = 0;
const MS = 1;
const SKIPS = 2;
const FIRST = 3;
const LAST = 4;
const GENRE_PLAYS = 5;
const MOOD_PLAYS = 6;
const DIRTY = 7;

export class UserProfiles implements View {
  readonly name = 'user_profiles';
  private users = 0;
  private cap = 0;
  private rec = new Float64Array(0);
  private readonly changed = new IntList(1024);
  readonly genres = new SlotCounters(GENRE_SLOTS, 'exact');
  readonly moods = new SlotCounters(MOOD_SLOTS, 'exact');
  readonly artists: SlotCounters;
  private readonly topIds = new Int32Array(3);
  private readonly topCounts = new Float64Array(3);

  constructor(private readonly ctx: ViewContext) {
    this.artists = new SlotCounters(ctx.config.profiles.artistSlots, 'space-saving');
  }

  private ensure(users: number): void {
    this.users = Math.max(this.users, users);
    if (users <= this.cap) return;
    const n = Math.max(users, this.cap * 2, 1024);
    const r = new Float64Array(n * REC);
    r.set(this.rec);
    for (let u = this.cap; u < n; u++) {
      r[u * REC + FIRST] = Infinity;
      r[u * REC + LAST] = -Infinity;
    }
    this.rec = r;
    this.genres.ensure(n);
    this.moods.ensure(n);
    this.artists.ensure(n);
    this.cap = n;
  }

  add(b: ListenBatch, acc: Uint8Array): void {
    this.ensure(this.ctx.dicts.users.size);
    const rec = this.rec;
    const { user, track, artist, ts, action } = b;
    const msPlayed = b.ms;
    const tg = this.ctx.dicts.trackGenre;
    const tm = this.ctx.dicts.trackMood;
    const genres = this.genres;
    const moods = this.moods;
    const artists = this.artists;
    for (let i = 0; i < b.n; i++) {
      if (acc[i] === 0) continue;
      const u = user[i]!;
      const o = u * REC;
      rec[o + PLAYS]!++;
      const m = msPlayed[i]!;
      if (m > 0) rec[o + MS]! += m;
      if (action[i] === ACTION_SKIP) rec[o + SKIPS]!++;
      const t = ts[i]!;
      if (t < rec[o + FIRST]!) rec[o + FIRST] = t;
      if (t > rec[o + LAST]!) rec[o + LAST] = t;
      const tr = track[i]!;
      const g = tg[tr]!;
      if (g >= 0) {
        rec[o + GENRE_PLAYS]!++;
        genres.add(u, g);
      }
      const mo = tm[tr]!;
      if (mo >= 0) {
        rec[o + MOOD_PLAYS]!++;
        moods.add(u, mo);
      }
      const a = artist[i]!;
      if (a >= 0) artists.add(u, a);
      if (rec[o + DIRTY] === 0) {
        rec[o + DIRTY] = 1;
        this.changed.push(u);
      }
    }
  }

  flush(_watermark: number, out: ChangeSet): void {
    if (this.changed.n === 0) return;
    const buf = out.out(VIEW_TABLES.user_profiles);
    const rec = this.rec;
    const d = this.ctx.dicts;
    const ranks: [SlotCounters, Int32Array][] = [
      [this.genres, d.genres.ranks()],
      [this.moods, d.moods.ranks()],
      [this.artists, d.artists.ranks()],
    ];
    for (let i = 0; i < this.changed.n; i++) {
      const u = this.changed.a[i]!;
      const o = u * REC;
      rec[o + DIRTY] = 0;
      const row = buf.add();
      buf.set(row, 0, u);
      for (let f = 0; f < 5; f++) buf.set(row, 1 + f, rec[o + f]!);
      let c = 6;
      for (const [k, [counters, rank]] of ranks.entries()) {
        if (k === 0) buf.set(row, c++, rec[o + GENRE_PLAYS]!);
        if (k === 1) buf.set(row, c++, rec[o + MOOD_PLAYS]!);
        const m = counters.top(u, 3, rank, this.topIds, this.topCounts);
        for (let j = 0; j < 3; j++) {
          buf.set(row, c++, j < m ? this.topIds[j]! : -1);
          buf.set(row, c++, j < m ? this.topCounts[j]! : 0);
        }
      }
    }
    this.changed.n = 0;
  }

  snapshot(w: SnapshotWriter): void {
    const n = this.users;
    w.json('users', n);
    w.f64('rec', this.rec.subarray(0, n * REC));
    this.genres.snapshot(w.scope('genres'), n);
    this.moods.snapshot(w.scope('moods'), n);
    this.artists.snapshot(w.scope('artists'), n);
  }

  restore(r: SnapshotReader): void {
    const n = r.json<number>('users');
    this.cap = 0;
    this.users = 0;
    this.rec = new Float64Array(0);
    this.ensure(n);
    this.rec.set(r.f64('rec'));
    this.genres.restore(r.scope('genres'));
    this.moods.restore(r.scope('moods'));
    this.artists.restore(r.scope('artists'));
    this.genres.ensure(this.cap);
    this.moods.ensure(this.cap);
    this.artists.ensure(this.cap);
    this.changed.n = 0;
  }

  stats(): ViewStats {
    let bytes = this.rec.byteLength + this.genres.bytes() + this.moods.bytes() + this.artists.bytes();
    for (const m of [this.genres.overflow, this.moods.overflow]) for (const x of m.values()) bytes += 64 + x.size * 40;
    return { keys: this.users, bytes };
  }
}
