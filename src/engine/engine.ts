// The event-time engine: takes columnar batches, keeps the watermark (largest event time seen minus the
// allowed lateness), sorts each listen into accepted (at or after the watermark: its windows are still
// open) or late (before it: counted in late_listens, left out of the views), feeds the accepted ones to
// every view, and at each flush collects the views' changed rows. Deterministic: the same listens in the
// same order give the same state and the same rows, however they are cut into batches.
import type { EngineConfig } from './config.js';
import { Dicts } from './dict.js';
import { SnapshotReader, SnapshotWriter } from './snapshot.js';
import type { ListenBatch } from './types.js';
import { ActionCounts } from '../views/action-counts.js';
import { ActiveUsers } from '../views/active-users.js';
import { Sessions } from '../views/sessions.js';
import { ChangeSet, VIEW_TABLES } from '../views/tables.js';
import { TrendingTracks } from '../views/trending.js';
import type { View, ViewStats } from '../views/types.js';
import { UserProfiles } from '../views/user-profiles.js';

export interface Counters {
  /** Records the sources handed in (accepted + late + rejected + duplicates). */
  events_in: number;
  accepted: number;
  rejected: number;
  /** Listens before the watermark: counted in late_listens, not in the windows. */
  late: number;
  duplicates: number;
}

export interface EngineState {
  readonly maxEventTime: number;
  readonly watermark: number;
  readonly counters: Readonly<Counters>;
}

export class Engine {
  readonly dicts = new Dicts();
  readonly views: View[];
  readonly profiles: UserProfiles;
  readonly counters: Counters = { events_in: 0, accepted: 0, rejected: 0, late: 0, duplicates: 0 };
  private maxTs = -Infinity;
  private acc = new Uint8Array(4096);
  /** late_listens: bucket start -> [late listens, largest lateness in ms]. */
  private readonly late = new Map<number, [number, number]>();
  private readonly lateDirty = new Set<number>();
  private readonly changes = new ChangeSet();

  constructor(readonly config: EngineConfig) {
    const ctx = { config, dicts: this.dicts };
    this.profiles = new UserProfiles(ctx);
    this.views = [new TrendingTracks(ctx), new ActionCounts(ctx), new ActiveUsers(ctx), this.profiles, new Sessions(ctx)];
  }

  get watermark(): number {
    return this.maxTs - this.config.lateness;
  }

  get maxEventTime(): number {
    return this.maxTs;
  }

  /** Applies one batch. `rejected`/`duplicates`: records the source dropped before the batch. */
  apply(b: ListenBatch, rejected = 0, duplicates = 0): void {
    const c = this.counters;
    c.events_in += b.n + rejected + duplicates;
    c.rejected += rejected;
    c.duplicates += duplicates;
    if (b.n === 0) return;
    if (this.acc.length < b.n) this.acc = new Uint8Array(Math.max(b.n, this.acc.length * 2));
    const acc = this.acc;
    const ts = b.ts;
    const L = this.config.lateness;
    let max = this.maxTs;
    let late = 0;
    for (let i = 0; i < b.n; i++) {
      const t = ts[i]!;
      if (t < max - L) {
        acc[i] = 0;
        late++;
        this.addLate(t, max - t);
      } else {
        acc[i] = 1;
        if (t > max) max = t;
      }
    }
    this.maxTs = max;
    c.late += late;
    c.accepted += b.n - late;
    if (late === b.n) return;
    for (const v of this.views) v.add(b, acc);
  }

  private addLate(ts: number, lateness: number): void {
    const k = Math.floor(ts / this.config.lateBucket) * this.config.lateBucket;
    const x = this.late.get(k);
    if (x) {
      x[0]++;
      if (lateness > x[1]) x[1] = lateness;
    } else this.late.set(k, [1, lateness]);
    this.lateDirty.add(k);
  }

  /**
   * Every row changed since the last flush; closed windows and sessions leave the state. The change set
   * is reused by the next flush: write it out before calling flush again.
   */
  flush(out: ChangeSet = this.changes): ChangeSet {
    out.clear();
    const w = this.watermark;
    for (const v of this.views) v.flush(w, out);
    if (this.lateDirty.size > 0) {
      const buf = out.out(VIEW_TABLES.late_listens);
      for (const k of [...this.lateDirty].sort((a, b) => a - b)) {
        const [n, worst] = this.late.get(k)!;
        const row = buf.add();
        buf.set(row, 0, k);
        buf.set(row, 1, k + this.config.lateBucket);
        buf.set(row, 2, n);
        buf.set(row, 3, worst);
      }
      this.lateDirty.clear();
    }
    return out;
  }

  state(): EngineState {
    return { maxEventTime: this.maxTs, watermark: this.watermark, counters: { ...this.counters } };
  }

  stats(): Record<string, ViewStats> {
    return Object.fromEntries(this.views.map((v) => [v.name, v.stats()]));
  }

  /** State as checkpoint sections. Call right after flush(): nothing may be pending. */
  snapshot(): SnapshotWriter {
    const w = new SnapshotWriter();
    w.json('engine', { maxTs: Number.isFinite(this.maxTs) ? this.maxTs : null, counters: this.counters, late: [...this.late] });
    this.dicts.write(w.scope('dicts'));
    for (const v of this.views) v.snapshot(w.scope(v.name));
    return w;
  }

  restore(r: SnapshotReader): void {
    const e = r.json<{ maxTs: number | null; counters: Counters; late: [number, [number, number]][] }>('engine');
    this.maxTs = e.maxTs ?? -Infinity;
    Object.assign(this.counters, e.counters);
    this.late.clear();
    for (const [k, v] of e.late) this.late.set(k, v);
    this.lateDirty.clear();
    // Version 1 checkpoints hold the dictionaries as one JSON section.
    if (r.has('dicts')) this.dicts.load(r.json('dicts'));
    else this.dicts.read(r.scope('dicts'));
    for (const v of this.views) v.restore(r.scope(v.name));
  }
}
