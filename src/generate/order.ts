// Reorders the play stream by END time, for formats whose clock is when a play stopped (Spotify's ts):
// a play is released once every later-starting play must end after it, so the buffer stays small.

import { Listen, type ListenSource } from './listen.js';

const end = (l: Listen): number => l.startMs + l.playedMs;
const before = (a: Listen, b: Listen): boolean => end(a) < end(b) || (end(a) === end(b) && a.seq < b.seq);

export class EndOrdered implements ListenSource {
  private readonly heap: Listen[] = [];
  private readonly spare: Listen[] = [];
  private lastStart = -Infinity;
  private exhausted = false;

  constructor(private readonly src: ListenSource) {}

  next(out: Listen): boolean {
    while (!this.exhausted && (this.heap.length === 0 || end(this.heap[0] as Listen) > this.lastStart)) {
      const l = this.spare.pop() ?? new Listen();
      if (!this.src.next(l)) {
        this.exhausted = true;
        this.spare.push(l);
        break;
      }
      this.lastStart = l.startMs;
      this.push(l);
    }
    const top = this.pop();
    if (!top) return false;
    out.copyFrom(top);
    this.spare.push(top);
    return true;
  }

  private push(l: Listen): void {
    const h = this.heap;
    let i = h.length;
    h.push(l);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(l, h[p] as Listen)) break;
      h[i] = h[p] as Listen;
      i = p;
    }
    h[i] = l;
  }

  private pop(): Listen | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= h.length) break;
        if (c + 1 < h.length && before(h[c + 1] as Listen, h[c] as Listen)) c++;
        if (!before(h[c] as Listen, last)) break;
        h[i] = h[c] as Listen;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
