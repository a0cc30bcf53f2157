// Runs the listen stream into a format, mixing in the requested share of dirty rows: malformed rows,
// exact duplicates of a recent row, and late rows held back up to two hours. Decisions come from their own
// random stream, so the clean listens are the same whatever the dirty share.

import { Listen, type ListenSource } from './listen.js';
import { Rng } from './rng.js';
import type { Sink } from './sink.js';
import { STREAM } from './streams.js';

export interface DirtyPlan {
  malformed: number;
  duplicates: number;
  late: number;
}

export interface PumpResult {
  /** Valid, non-duplicate music rows written (late rows included). */
  listens: number;
  episodes: number;
  malformed: number;
  duplicates: number;
  /** Rows actually written out of order (a planned late row that ends up in order is not counted). */
  late: number;
}

/** 40% malformed, 40% duplicates, 20% late; formats without malformed rows split it 2:1 duplicates:late. */
export function dirtyPlan(share: number, listens: number, malformedOk: boolean): DirtyPlan {
  const total = Math.min(listens, Math.round(share * listens));
  if (!malformedOk) {
    const duplicates = Math.round((total * 2) / 3);
    return { malformed: 0, duplicates, late: total - duplicates };
  }
  const malformed = Math.round(total * 0.4);
  const duplicates = Math.round(total * 0.4);
  return { malformed, duplicates, late: total - malformed - duplicates };
}

const MAX_LATE_MS = 2 * 3_600_000;
const RING = 32;

interface Held { text: string; key: number; release: number }

export async function pump(
  source: ListenSource, sink: Sink, plan: DirtyPlan, seed: number, listens: number,
  onProgress?: (done: number, total: number) => void,
): Promise<PumpResult> {
  const r = new Rng(seed, STREAM.dirty);
  const res: PumpResult = { listens: 0, episodes: 0, malformed: 0, duplicates: 0, late: 0 };
  let leftM = plan.malformed;
  let leftD = plan.duplicates;
  let leftL = plan.late;
  let seen = 0;
  let maxKey = -Infinity;
  const ring: string[] = [];
  let ringAt = 0;
  const held: Held[] = [];
  const l = new Listen();

  const writeHeld = (h: Held): void => {
    sink.write(h.text, h.key);
    res.listens++;
    if (h.key < maxKey) res.late++;
    else maxKey = h.key;
  };

  while (source.next(l)) {
    const key = sink.key(l);
    if (l.track < 0) {
      sink.write(sink.episodeRow(l), key);
      res.episodes++;
      if (key > maxKey) maxKey = key;
    } else {
      // Sequential sampling: exactly the planned number of each kind over the listens.
      const x = r.next() * (listens - seen++);
      const kind = x < leftM ? 1 : x < leftM + leftD ? 2 : x < leftM + leftD + leftL ? 3 : 0;
      const text = sink.row(l);
      if (kind === 3) {
        leftL--;
        const h = { text, key, release: key + 1000 + Math.floor(r.next() * (MAX_LATE_MS - 1000)) };
        let i = held.length;
        while (i > 0 && (held[i - 1] as Held).release > h.release) i--;
        held.splice(i, 0, h);
      } else {
        sink.write(text, key);
        res.listens++;
        if (key > maxKey) maxKey = key;
        if (ring.length < RING) ring.push(text);
        else ring[ringAt] = text;
        ringAt = (ringAt + 1) % RING;
        if (kind === 2) {
          leftD--;
          sink.write(ring[r.int(ring.length)] as string, NaN);
          res.duplicates++;
        } else if (kind === 1) {
          leftM--;
          const bad = sink.malformed(l, r);
          if (bad !== null) {
            sink.write(bad, NaN);
            res.malformed++;
          }
        }
      }
    }
    // A held row goes out after the first row at least its delay later: behind its neighbours, never by more than 2 h + a gap.
    while (held.length > 0 && (held[0] as Held).release <= key) writeHeld(held.shift() as Held);
    if (sink.full) {
      await sink.flush();
      onProgress?.(seen, listens);
    }
  }
  for (const h of held) writeHeld(h);
  onProgress?.(seen, listens);
  return res;
}
