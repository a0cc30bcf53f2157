// The user × item interaction matrix every recommender trains on: compressed rows (CSR) on typed
// arrays, built once from (user, item, weight, last-played) triples, with its transpose for item-side work.

/** Rows of a sparse matrix: row r holds indices[indptr[r] .. indptr[r + 1]) with their values. */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** One user–item pair: how much the user played the item (plays or minutes) and when last (epoch ms, NaN unknown). */
export interface Pair {
  readonly user: number;
  readonly item: number;
  readonly weight: number;
  readonly last: number;
}

/** Interactions of users (rows) with items (columns), plus the time of the last play of each pair. */
export interface Interactions {
  readonly byUser: Csr;
  /** Last play of each stored pair, parallel to byUser.indices (NaN where the source has no times). */
  readonly last: Float64Array;
}

/** Builds the CSR from pairs; repeated (user, item) pairs are summed (last = the latest). */
export function buildInteractions(nUsers: number, nItems: number, pairs: readonly Pair[]): Interactions {
  const counts = new Int32Array(nUsers + 1);
  for (const p of pairs) {
    if (p.user < 0 || p.user >= nUsers || p.item < 0 || p.item >= nItems) throw new RangeError(`pair (${p.user}, ${p.item}) outside a ${nUsers} × ${nItems} matrix`);
    counts[p.user + 1]!++;
  }
  for (let u = 0; u < nUsers; u++) counts[u + 1]! += counts[u]!;
  const order = pairs.map((_, i) => i);
  order.sort((a, b) => pairs[a]!.user - pairs[b]!.user || pairs[a]!.item - pairs[b]!.item);
  const indptr = new Int32Array(nUsers + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const last: number[] = [];
  let u = 0;
  for (const k of order) {
    const p = pairs[k]!;
    while (u < p.user) indptr[++u] = indices.length;
    const n = indices.length;
    if (n > indptr[u]! && indices[n - 1] === p.item) {
      values[n - 1]! += p.weight;
      last[n - 1] = Math.max(last[n - 1]!, p.last);
    } else {
      indices.push(p.item);
      values.push(p.weight);
      last.push(p.last);
    }
  }
  while (u < nUsers) indptr[++u] = indices.length;
  return {
    byUser: { rows: nUsers, cols: nItems, indptr, indices: Int32Array.from(indices), values: Float32Array.from(values) },
    last: Float64Array.from(last),
  };
}

/** The transpose (items as rows). */
export function transpose(m: Csr): Csr {
  const indptr = new Int32Array(m.cols + 1);
  for (let k = 0; k < m.indices.length; k++) indptr[m.indices[k]! + 1]!++;
  for (let c = 0; c < m.cols; c++) indptr[c + 1]! += indptr[c]!;
  const fill = indptr.slice(0, m.cols);
  const indices = new Int32Array(m.indices.length);
  const values = new Float32Array(m.indices.length);
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const c = m.indices[k]!;
      const at = fill[c]!++;
      indices[at] = r;
      values[at] = m.values[k]!;
    }
  }
  return { rows: m.cols, cols: m.rows, indptr, indices, values };
}

/** A copy with every stored value replaced by f(value). */
export function mapValues(m: Csr, f: (v: number) => number): Csr {
  return { ...m, values: m.values.map(f) };
}

/** Number of stored entries in row r. */
export const rowLength = (m: Csr, r: number): number => m.indptr[r + 1]! - m.indptr[r]!;
