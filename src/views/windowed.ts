// The common part of the sliding-window views: panes keyed by index, the windows a flush must emit
// (every window holding a pane that changed), and eviction of panes whose windows have all closed.
import type { SnapshotReader, SnapshotWriter } from '../engine/snapshot.js';
import type { ListenBatch } from '../engine/types.js';
import { Hopping } from '../engine/windows.js';
import type { WindowSpec } from '../engine/config.js';
import type { ChangeSet, RowBuffer, ViewTable } from './tables.js';
import type { View, ViewStats } from './types.js';

export abstract class PaneWindows<P> implements View {
  protected readonly w: Hopping;
  protected readonly panes = new Map<number, P>();
  protected readonly dirty = new Set<number>();

  constructor(
    readonly name: string,
    protected readonly table: ViewTable,
    spec: WindowSpec,
  ) {
    this.w = new Hopping(spec);
  }

  abstract add(b: ListenBatch, acc: Uint8Array): void;
  protected abstract createPane(): P;
  /** Writes window k's rows (computed from its panes that exist) into out. */
  protected abstract emitWindow(k: number, panes: readonly P[], out: RowBuffer): void;
  protected abstract paneBytes(p: P): number;
  protected abstract writePanes(w: SnapshotWriter, panes: readonly P[]): void;
  protected abstract readPanes(r: SnapshotReader, count: number): P[];

  /** The pane for index p, created on first use and marked changed. */
  protected pane(p: number): P {
    let x = this.panes.get(p);
    if (x === undefined) {
      x = this.createPane();
      this.panes.set(p, x);
    }
    this.dirty.add(p);
    return x;
  }

  flush(watermark: number, out: ChangeSet): void {
    if (this.dirty.size > 0) {
      // Windows of the changed panes, each once and in order: panes sorted, windows of consecutive panes overlap.
      const changed = Float64Array.from(this.dirty).sort();
      const buf = out.out(this.table);
      const list: P[] = [];
      let done = -Infinity;
      for (const p of changed) {
        for (let k = Math.max(this.w.firstWindow(p), done + 1); k <= this.w.lastWindow(p); k++) {
          const [from, to] = this.w.panesOf(k);
          list.length = 0;
          for (let q = from; q < to; q++) {
            const x = this.panes.get(q);
            if (x !== undefined) list.push(x);
          }
          if (list.length > 0) this.emitWindow(k, list, buf);
          done = k;
        }
      }
      this.dirty.clear();
    }
    for (const p of this.panes.keys()) if (this.w.paneClosed(p, watermark)) this.panes.delete(p);
  }

  snapshot(w: SnapshotWriter): void {
    const keys = [...this.panes.keys()].sort((a, b) => a - b);
    w.f64('panes', Float64Array.from(keys));
    this.writePanes(w, keys.map((k) => this.panes.get(k)!));
  }

  restore(r: SnapshotReader): void {
    const keys = r.f64('panes');
    const panes = this.readPanes(r, keys.length);
    this.panes.clear();
    this.dirty.clear();
    keys.forEach((k, i) => this.panes.set(k, panes[i]!));
  }

  stats(): ViewStats {
    let bytes = 0;
    for (const p of this.panes.values()) bytes += this.paneBytes(p) + 64;
    return { keys: this.panes.size, bytes };
  }
}
