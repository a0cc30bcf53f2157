// action_counts: listens per action (play, pause, skip, complete, and unknown) in hopping windows
// (default 30 seconds sliding every 10). A pane is five counters.
import type { SnapshotReader, SnapshotWriter } from '../engine/snapshot.js';
import { ACTION_SLOTS, type ListenBatch } from '../engine/types.js';
import { PaneWindows } from './windowed.js';
import { VIEW_TABLES, type RowBuffer } from './tables.js';
import type { ViewContext } from './types.js';

export class ActionCounts extends PaneWindows<Float64Array> {
  private readonly sum = new Float64Array(ACTION_SLOTS);

  constructor(ctx: ViewContext) {
    super('action_counts', VIEW_TABLES.action_counts, ctx.config.actions);
  }

  add(b: ListenBatch, acc: Uint8Array): void {
    const { ts, action } = b;
    const pane = this.w.pane;
    let last = NaN;
    let c: Float64Array | undefined;
    for (let i = 0; i < b.n; i++) {
      if (acc[i] === 0) continue;
      const p = Math.floor(ts[i]! / pane);
      if (p !== last) {
        c = this.pane(p);
        last = p;
      }
      c![action[i]!]!++;
    }
  }

  protected createPane(): Float64Array {
    return new Float64Array(ACTION_SLOTS);
  }

  protected emitWindow(k: number, panes: readonly Float64Array[], out: RowBuffer): void {
    const s = this.sum;
    s.fill(0);
    for (const p of panes) for (let a = 0; a < ACTION_SLOTS; a++) s[a]! += p[a]!;
    for (let a = 0; a < ACTION_SLOTS; a++) {
      if (s[a] === 0) continue;
      const row = out.add();
      out.set(row, 0, this.w.start(k));
      out.set(row, 1, this.w.end(k));
      out.set(row, 2, a);
      out.set(row, 3, s[a]!);
    }
  }

  protected paneBytes(): number {
    return ACTION_SLOTS * 8;
  }

  protected writePanes(w: SnapshotWriter, panes: readonly Float64Array[]): void {
    const all = new Float64Array(panes.length * ACTION_SLOTS);
    panes.forEach((p, i) => all.set(p, i * ACTION_SLOTS));
    w.f64('counts', all);
  }

  protected readPanes(r: SnapshotReader, count: number): Float64Array[] {
    const all = r.f64('counts');
    return Array.from({ length: count }, (_, i) => all.slice(i * ACTION_SLOTS, (i + 1) * ACTION_SLOTS));
  }
}
