// The duplicate check of a group commit whose bodies the fast path read (fast-stage.ts, prepare.ts: the
// common case, clean NDJSON and ListenBrainz payloads), in memory: each row's listen id looked up in the
// IdSet of every stored listen and in one of the group's own. No SQL: the SQL path's staging table, id
// query and anti-join cost ~20 ms a commit whatever its size (planning, and a round trip through a busy
// event loop per statement), which is what capped small submit-listens requests. The accepted listens
// then go to the ingest log (ingestor.ts, pending.ts). Bodies with anything unusual take the SQL path,
// whose rejects name the problem.
import { IdSet } from './id-set.js';
import type { Prepared } from './prepare.js';

/** What the check kept of each body, and the ids of every listen kept (to add to the stored set once durable). */
export interface Deduped {
  /** Listens kept, all bodies. */
  readonly n: number;
  /** Per body: listens kept, duplicates, and the rows left out (ascending). */
  readonly perItem: readonly { accepted: number; duplicates: number; skip: number[] }[];
  /** The kept listens' ids, halves: hi[k], lo[k] for k < n. */
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
}

/** Keeps each body's new listens: the first of a listen_id within the group (bodies in order), and none already stored. */
export function dedupe(items: readonly Prepared[], seen: IdSet): Deduped {
  const total = items.reduce((a, it) => a + it.n, 0);
  const hi = new Uint32Array(total);
  const lo = new Uint32Array(total);
  const inGroup = new IdSet(total);
  let n = 0;
  const perItem = items.map((it) => {
    const skip: number[] = [];
    for (let r = 0; r < it.n; r++) {
      const h = it.hi[r]!;
      const l = it.lo[r]!;
      if (seen.has(h, l) || !inGroup.add(h, l)) {
        skip.push(r);
        continue;
      }
      hi[n] = h;
      lo[n] = l;
      n++;
    }
    return { accepted: it.n - skip.length, duplicates: skip.length, skip };
  });
  return { n, perItem, hi, lo };
}
