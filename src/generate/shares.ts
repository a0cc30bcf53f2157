// How many plays each listener gets: proportional to activity, but never more than fit in the range.
// A listener can listen at most MAX_LISTENING of the time (at the catalogue's mean track length); a share
// above that cap is cut to it and the surplus goes to the other listeners by weight (water-filling).

const DAY = 86_400_000;

/** Largest share of the range one listener spends listening (in whole tracks). */
export const MAX_LISTENING = 0.45;

/** The most plays one listener gets in a range of `rangeMs` with tracks of mean length `meanTrackMs`. */
export function maxPlaysPerUser(rangeMs: number, meanTrackMs: number): number {
  return Math.floor((MAX_LISTENING * rangeMs) / meanTrackMs);
}

export interface FitProblem {
  /** Plays to place (listens plus any podcast episodes). */
  plays: number;
  users: number;
  rangeMs: number;
  meanTrackMs: number;
  /** True when the number of users is not an option (spotify-extended is one user's export). */
  usersFixed?: boolean;
}

/** Throws a RangeError naming the option to raise when the plays cannot fit; returns the per-user cap. */
export function checkFit(p: FitProblem): number {
  const cap = maxPlaysPerUser(p.rangeMs, p.meanTrackMs);
  if (p.plays <= p.users * cap) return cap;
  const days = p.rangeMs / DAY;
  const wholeDays = Number.isInteger(days);
  // From the estimate (the cap is floored, so a day or two more may be needed).
  let needDays = Math.max(1, Math.ceil(days), Math.ceil((p.plays / p.users) * (p.meanTrackMs / (MAX_LISTENING * DAY))));
  while (p.users * maxPlaysPerUser(needDays * DAY, p.meanTrackMs) < p.plays) needDays++;
  const needUsers = Math.ceil(p.plays / Math.max(1, cap));
  const span = wholeDays ? `${days} day${days === 1 ? '' : 's'}` : `${days.toFixed(2)} days`;
  const who = p.users === 1 ? 'one listener' : `${p.users} listeners`;
  const why = `generate: ${p.plays} plays do not fit in ${span} for ${who}: one listener can play at most ${cap} tracks `
    + `in ${span} (listening ${Math.round(MAX_LISTENING * 100)}% of the time, mean track ${(p.meanTrackMs / 60_000).toFixed(1)} min)`;
  const fix = p.usersFixed
    ? `; raise --days to at least ${needDays} (spotify-extended is one user's export, so --users does not help) or lower --events`
    : `; raise --users to at least ${needUsers} or --days to at least ${needDays}, or lower --events`;
  throw new RangeError(why + fix);
}

/**
 * Splits `total` plays over users in proportion to `weights`, none above `cap`: users whose proportional share
 * exceeds the cap get exactly the cap and the rest is shared again among the others, until every share fits.
 * The result is integral and sums to `total` exactly (cumulative rounding in user order). Requires total <= n * cap.
 */
export function splitPlays(weights: Float64Array, total: number, cap: number): Int32Array {
  const n = weights.length;
  const out = new Int32Array(n);
  if (total <= 0 || n === 0) return out;
  if (total > n * cap) throw new RangeError(`generate: ${total} plays exceed ${n} users × ${cap}`);
  // Water-filling: by falling weight, cap users while the largest remaining share is above the cap.
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => (weights[b] as number) - (weights[a] as number) || a - b);
  let rest = 0;
  for (let i = 0; i < n; i++) rest += weights[i] as number;
  let left = total;
  const capped = new Uint8Array(n);
  for (let k = 0; k < n && left > 0; k++) {
    const u = order[k] as number;
    const w = weights[u] as number;
    // A small tolerance keeps rounding below from ever giving an uncapped user cap + 1.
    if (rest > 0 && (left * w) / rest <= cap - 1e-6) break;
    capped[u] = 1;
    out[u] = Math.min(cap, left);
    left -= out[u] as number;
    rest -= w;
  }
  if (left <= 0) return out;
  // The free users' total weight, summed in the order the shares are handed out below.
  rest = 0;
  for (let u = 0; u < n; u++) if (capped[u] === 0) rest += weights[u] as number;
  if (!(rest > 0)) throw new RangeError('generate: cannot share plays among users without weight');
  let acc = 0;
  let given = 0;
  let lastFree = -1;
  for (let u = 0; u < n; u++) if (capped[u] === 0) lastFree = u;
  for (let u = 0; u < n; u++) {
    if (capped[u] === 1) continue;
    acc += weights[u] as number;
    const upto = u === lastFree ? left : Math.round((left * acc) / rest);
    out[u] = upto - given;
    given = upto;
  }
  return out;
}
