// Ranking metrics of offline evaluation, for one user's top-k list against the items they went on to
// play (binary relevance), and their means over users. Definitions are in docs/ml.md; tests check
// them on cases worked out by hand.

/** Share of the k slots that hold a relevant item (a short list still divides by k). */
export function precisionAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i]!)) hits++;
  return hits / k;
}

/** Share of the relevant items found in the top k. */
export function recallAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (!relevant.size) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i]!)) hits++;
  return hits / relevant.size;
}

/** DCG of the list (gain 1 at rank r counts 1 / log2(r + 1)) over the DCG of an ideal list of min(k, |relevant|) hits. */
export function ndcgAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (!relevant.size) return 0;
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Average precision at k: the mean of precision@r over the ranks r of hits, divided by min(k, |relevant|). */
export function apAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): number {
  if (!relevant.size) return 0;
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    if (relevant.has(ranked[i]!)) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / Math.min(k, relevant.size);
}

export interface RankingMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly map: number;
  /** Distinct items recommended to anyone, over the catalogue size. */
  readonly coverage: number;
  /** Users evaluated (those with at least one held-out item). */
  readonly users: number;
}

/** Means over users of each metric, and catalogue coverage of all the lists. */
export function evaluateLists(lists: readonly { ranked: readonly number[]; relevant: ReadonlySet<number> }[], k: number, catalogueSize: number): RankingMetrics {
  let p = 0;
  let r = 0;
  let n = 0;
  let m = 0;
  let users = 0;
  const seen = new Set<number>();
  for (const l of lists) {
    for (const i of l.ranked.slice(0, k)) seen.add(i);
    if (!l.relevant.size) continue;
    users++;
    p += precisionAtK(l.ranked, l.relevant, k);
    r += recallAtK(l.ranked, l.relevant, k);
    n += ndcgAtK(l.ranked, l.relevant, k);
    m += apAtK(l.ranked, l.relevant, k);
  }
  const d = users || 1;
  return { precision: p / d, recall: r / d, ndcg: n / d, map: m / d, coverage: catalogueSize ? seen.size / catalogueSize : 0, users };
}
