// trending_tracks: plays per track in hopping windows (default 5 minutes sliding every minute), the top N
// (default 50) per window, ties to the track_key that sorts first. A pane is the list of track ids played
// in it; a window is counted when it is emitted, so a listen costs one append however many windows hold it.
import type { SnapshotReader, SnapshotWriter } from '../engine/snapshot.js';
import type { ListenBatch } from '../engine/types.js';
import { IntList, selectTop, selectTopBy } from '../engine/windows.js';
import { PaneWindows } from './windowed.js';
import { VIEW_TABLES, type RowBuffer } from './tables.js';
import type { ViewContext } from './types.js';

export class TrendingTracks extends PaneWindows<IntList> {
  private hint = 64;
  private counts = new Uint32Array(1024);
  private keys = new Float64Array(1024);
  private ties = new Int32Array(1024);
  private touched = new Int32Array(1024);
  private readonly best: Int32Array;

  constructor(private readonly ctx: ViewContext) {
    super('trending_tracks', VIEW_TABLES.trending_tracks, ctx.config.trending);
    this.best = new Int32Array(ctx.config.trending.top);
  }

  add(b: ListenBatch, acc: Uint8Array): void {
    const { ts, track } = b;
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
      const l = list!;
      if (l.n === l.a.length) l.grow();
      l.a[l.n++] = track[i]!;
    }
  }

  protected createPane(): IntList {
    return new IntList(this.hint);
  }

  protected emitWindow(k: number, panes: readonly IntList[], out: RowBuffer): void {
    const tracks = this.ctx.dicts.tracks.size;
    if (this.counts.length < tracks) this.counts = new Uint32Array(Math.max(tracks, this.counts.length * 2));
    const counts = this.counts;
    let n = 0;
    for (const l of panes) {
      if (this.touched.length < n + l.n) {
        const t = new Int32Array(Math.max(n + l.n, this.touched.length * 2));
        t.set(this.touched.subarray(0, n));
        this.touched = t;
      }
      const a = l.a;
      const touched = this.touched;
      for (let i = 0; i < l.n; i++) {
        const t = a[i]!;
        if (counts[t] === 0) touched[n++] = t;
        counts[t]!++;
      }
    }
    // Most plays first, ties to the track_key that sorts first. The top N by plays alone is a numeric
    // heap; keys are compared only where counts tie: among the tracks tied at the last place taken (when
    // more of them than places are left), and within runs of equal counts. (Keeping every track ranked
    // by key instead cost a merge over all tracks ever seen whenever new ones had arrived.)
    if (this.keys.length < n) this.keys = new Float64Array(Math.max(n, this.keys.length * 2));
    const keys = this.keys;
    const touched = this.touched;
    for (let i = 0; i < n; i++) keys[i] = counts[touched[i]!]!;
    const best = this.best;
    const m = selectTop(keys, n, best.length, best);
    const names = this.ctx.dicts.tracks.values;
    if (m > 0) {
      const last = keys[best[m - 1]!]!;
      let above = 0;
      while (keys[best[above]!]! > last) above++;
      let tied = 0;
      for (let i = 0; i < n; i++) if (keys[i] === last) tied++;
      if (tied > m - above) {
        // More tracks share the last count than places are left: the places go to the keys that sort first.
        if (this.ties.length < tied) this.ties = new Int32Array(Math.max(tied, this.ties.length * 2));
        const ties = this.ties;
        let t = 0;
        for (let i = 0; i < n; i++) if (keys[i] === last) ties[t++] = i;
        const picked = best.subarray(above);
        const got = selectTopBy(tied, m - above, picked, (a, b) => names[touched[ties[a]!]!]! < names[touched[ties[b]!]!]!);
        for (let r = 0; r < got; r++) picked[r] = ties[picked[r]!]!;
      }
      // Within each run of equal counts, by key (runs are short: insertion sort).
      for (let r = 1; r < m; r++) {
        const x = best[r]!;
        const kx = keys[x]!;
        const nx = names[touched[x]!]!;
        let j = r - 1;
        while (j >= 0 && keys[best[j]!] === kx && names[touched[best[j]!]!]! > nx) {
          best[j + 1] = best[j]!;
          j--;
        }
        best[j + 1] = x;
      }
    }
    const start = this.w.start(k);
    const end = this.w.end(k);
    for (let r = 0; r < m; r++) {
      const t = touched[this.best[r]!]!;
      const row = out.add();
      out.set(row, 0, start);
      out.set(row, 1, end);
      out.set(row, 2, r + 1);
      out.set(row, 3, t);
      out.set(row, 4, counts[t]!);
    }
    for (let i = 0; i < n; i++) counts[touched[i]!] = 0;
  }

  protected paneBytes(p: IntList): number {
    return p.a.byteLength;
  }

  protected writePanes(w: SnapshotWriter, panes: readonly IntList[]): void {
    writeLists(w, panes);
  }

  protected readPanes(r: SnapshotReader, count: number): IntList[] {
    return readLists(r, count);
  }
}

/** Pane lists as one concatenated Int32Array plus their lengths. */
export function writeLists(w: SnapshotWriter, lists: readonly IntList[]): void {
  const lens = Int32Array.from(lists.map((l) => l.n));
  const all = new Int32Array(lens.reduce((a, b) => a + b, 0));
  let o = 0;
  for (const l of lists) {
    all.set(l.a.subarray(0, l.n), o);
    o += l.n;
  }
  w.i32('lens', lens);
  w.i32('items', all);
}

export function readLists(r: SnapshotReader, count: number): IntList[] {
  const lens = r.i32('lens');
  const all = r.i32('items');
  if (lens.length !== count) throw new Error('checkpoint pane lists do not match their keys');
  const out: IntList[] = [];
  let o = 0;
  for (const n of lens) {
    const l = new IntList(Math.max(64, n));
    l.a.set(all.subarray(o, o + n));
    l.n = n;
    o += n;
    out.push(l);
  }
  return out;
}
