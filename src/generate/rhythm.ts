// Daily and weekly listening rhythms: turns "wait this much listening intensity" into a clock time,
// so sessions cluster in each user's local mornings, evenings or nights and shift on weekends.

import { RHYTHMS } from './vocab.js';

const HOUR = 3_600_000;

/** Intensity per local hour of the week (Monday 00:00 = 0), mean 1, one table per rhythm. */
const TABLES: Float64Array[] = RHYTHMS.map((r) => {
  const t = new Float64Array(168);
  for (let d = 0; d < 7; d++) {
    const day = d >= 5 ? r.weekend : r.weekday;
    for (let h = 0; h < 24; h++) t[d * 24 + h] = day[h] as number;
  }
  let sum = 0;
  for (const x of t) sum += x;
  for (let i = 0; i < 168; i++) t[i] = ((t[i] as number) * 168) / sum;
  return t;
});

/** Local hour of the week for an absolute local-time hour count (1970-01-01 was a Thursday). */
function hourOfWeek(localHour: number): number {
  return (((localHour + 72) % 168) + 168) % 168;
}

/**
 * The UTC time at which `mass` hours of intensity-weighted time have passed since `fromMs`
 * for a user with the given rhythm and UTC offset. A mass of 1 is one average hour.
 */
export function advanceByIntensity(fromMs: number, tzMs: number, rhythm: number, mass: number): number {
  const table = TABLES[rhythm] as Float64Array;
  let local = fromMs + tzMs;
  let left = mass;
  if (left >= 168) {
    const weeks = Math.floor(left / 168);
    local += weeks * 168 * HOUR;
    left -= weeks * 168;
  }
  for (let guard = 0; guard < 400; guard++) {
    const hourAbs = Math.floor(local / HOUR);
    const w = table[hourOfWeek(hourAbs)] as number;
    const end = (hourAbs + 1) * HOUR;
    const avail = (w * (end - local)) / HOUR;
    if (w > 0 && avail >= left) return local + (left / w) * HOUR - tzMs;
    left -= avail;
    local = end;
  }
  return local - tzMs;
}
