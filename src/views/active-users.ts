// active_users: distinct users in hopping windows (default 2 minutes sliding every 30 seconds), exact. A
// pane lists the users seen in it (a user is listed once per pane while listens arrive in order); a
// window counts the union of its panes with a stamp per user.
import type { SnapshotReader, SnapshotWriter } from '../engine/snapshot.js';
import type { ListenBatch } from '../engine/types.js';
import { IntList } from '../engine/windows.js';
import { PaneWindows } from './windowed.js';
import { VIEW_TABLES, type RowBuffer } from './tables.js';
import type { ViewContext } from './types.js';
import { readLists, writeLists } from './trending.js';

export class ActiveUsers extends PaneWindows<IntList> {
  private hint = 32;
  /** Last pane each user was listed in (NaN: none), to list a user once per pane. */
  private seen = new Float64Array(0);
  private stamp = new Int32Array(0);
  private serial = 0;

  constructor(private readonly ctx: ViewContext) {
    super('active_users', VIEW_TABLES.active_users, ctx.config.active);
  }

  private ensure(users: number): void {
    if (this.seen.length >= users) return;
    const n = Math.max(users, this.seen.length * 2, 1024);
    const s = new Float64Array(n).fill(NaN);
    s.set(this.seen);
    this.seen = s;
    const st = new Int32Array(n);
    st.set(this.stamp);
    this.stamp = st;
  }

  add(b: ListenBatch, acc: Uint8Array): void {
    this.ensure(this.ctx.dicts.users.size);
    const { ts, user } = b;
    const seen = this.seen;
    const pane = this.w.pane;
    let last = NaN;
    let list: IntList | undefined;
    for (let i = 0; i < b.n; i++) {
      if (acc[i] === 0) continue;
      const p = Math.floor(ts[i]! / pane);
      if (p !== last) {
        // New panes start as large as the largest one so far: no regrowth in steady state.
        if (list !== undefined && list.n > this.hint) this.hint = list.n;
        list = this.pane(p);
        last = p;
      }
      const u = user[i]!;
      if (seen[u] === p) continue;
      seen[u] = p;
      const l = list!;
      if (l.n === l.a.length) l.grow();
      l.a[l.n++] = u;
    }
  }

  protected createPane(): IntList {
    return new IntList(this.hint);
  }

  protected emitWindow(k: number, panes: readonly IntList[], out: RowBuffer): void {
    this.ensure(this.ctx.dicts.users.size);
    const s = ++this.serial;
    const stamp = this.stamp;
    let n = 0;
    for (const l of panes) {
      const a = l.a;
      for (let i = 0; i < l.n; i++) {
        const u = a[i]!;
        if (stamp[u] !== s) {
          stamp[u] = s;
          n++;
        }
      }
    }
    const row = out.add();
    out.set(row, 0, this.w.start(k));
    out.set(row, 1, this.w.end(k));
    out.set(row, 2, n);
  }

  protected paneBytes(p: IntList): number {
    return p.a.byteLength;
  }

  protected writePanes(w: SnapshotWriter, panes: readonly IntList[]): void {
    writeLists(w, panes);
  }

  protected readPanes(r: SnapshotReader, count: number): IntList[] {
    // `seen` is only a shortcut; after a restore a user may be listed twice in a pane, which the stamp absorbs.
    return readLists(r, count);
  }
}
