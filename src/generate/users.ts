// Synthetic listeners: each has a home city, devices, a daily rhythm and a taste (favourite genres,
// moods and a heavy-rotation list). Profiles come from a per-user stream, so user N is the same in any world size.

import type { Catalogue } from './catalogue.js';
import { Rng } from './rng.js';
import { STREAM } from './streams.js';
import { COUNTRIES, DEVICE_WEIGHTS, GENRES, GENRE_MOODS, GENRE_WEIGHTS, MOODS, RHYTHMS } from './vocab.js';

export const FAVOURITES = 12;
const G = GENRES.length;

export interface Users {
  readonly count: number;
  readonly country: Uint8Array;
  readonly city: Uint8Array;
  /** UTC offset of the home city in ms. */
  readonly tzMs: Int32Array;
  readonly rhythm: Uint8Array;
  readonly deviceCount: Uint8Array;
  /** Up to three devices per user at [3u .. 3u + deviceCount[u]); the first is the main one. */
  readonly devices: Uint8Array;
  /** Cumulative genre preference, G entries per user, ending at 1. */
  readonly genreCum: Float64Array;
  readonly likedGenres: Uint16Array;
  readonly likedMoods: Uint8Array;
  /** Relative amount of listening. */
  readonly activity: Float64Array;
  readonly sessionMean: Float64Array;
  readonly shuffle: Float64Array;
  readonly offline: Float64Array;
  readonly incognito: Float64Array;
  readonly favourites: Int32Array;
}

export function buildUsers(seed: number, count: number, cat: Catalogue): Users {
  const U = Math.max(1, Math.floor(count));
  const u8 = (): Uint8Array => new Uint8Array(U);
  const f64 = (): Float64Array => new Float64Array(U);
  const users: Users = {
    count: U, country: u8(), city: u8(), tzMs: new Int32Array(U), rhythm: u8(), deviceCount: u8(), devices: new Uint8Array(U * 3),
    genreCum: new Float64Array(U * G), likedGenres: new Uint16Array(U), likedMoods: u8(), activity: f64(), sessionMean: f64(),
    shuffle: f64(), offline: f64(), incognito: f64(), favourites: new Int32Array(U * FAVOURITES),
  };
  const present = GENRES.map((_, gi) => (cat.byGenre[gi] ? 1 : 0));
  const countryWeights = COUNTRIES.map((c) => c.weight);
  const rhythmWeights = RHYTHMS.map((x) => x.weight);
  for (let u = 0; u < U; u++) {
    const r = new Rng(seed, STREAM.user, u);
    const ci = r.weighted(countryWeights);
    const country = COUNTRIES[ci] as (typeof COUNTRIES)[number];
    const city = r.int(country.cities.length);
    users.country[u] = ci;
    users.city[u] = city;
    users.tzMs[u] = Math.round((country.cities[city] as { tzHours: number }).tzHours * 3_600_000);
    users.rhythm[u] = r.weighted(rhythmWeights);

    const nDev = 1 + r.weighted([45, 40, 15]);
    const dw = [...DEVICE_WEIGHTS];
    for (let k = 0; k < nDev; k++) {
      const d = r.weighted(dw);
      users.devices[u * 3 + k] = d;
      dw[d] = 0;
    }
    users.deviceCount[u] = nDev;

    // Taste: one to three favourite genres carry most of the weight; the rest get a little.
    const w = GENRES.map((_, gi) => 0.03 * (present[gi] as number));
    const gw = GENRE_WEIGHTS.map((x, gi) => x * (present[gi] as number));
    const nFav = 1 + r.weighted([35, 45, 20]);
    let liked = 0;
    for (let k = 0; k < nFav; k++) {
      const gi = r.weighted(gw);
      if ((gw[gi] as number) === 0) break;
      gw[gi] = 0;
      w[gi] = r.range(1, 3);
      liked |= 1 << gi;
    }
    users.likedGenres[u] = liked;
    let total = 0;
    for (const x of w) total += x;
    let acc = 0;
    for (let gi = 0; gi < G; gi++) {
      acc += (w[gi] as number) / total;
      users.genreCum[u * G + gi] = gi === G - 1 ? 1 : acc;
    }
    // Favourite moods follow the favourite genres.
    const mw = MOODS.map((_, m) => GENRES.reduce((s, _g, gi) => s + ((liked >> gi) & 1) * ((GENRE_MOODS[gi] as number[])[m] as number), 0.05));
    const m1 = r.weighted(mw);
    mw[m1] = 0;
    users.likedMoods[u] = (1 << m1) | (r.chance(0.5) ? 1 << r.weighted(mw) : 0);

    users.activity[u] = Math.exp(r.normal() * 0.9);
    users.sessionMean[u] = r.range(5, 18);
    users.shuffle[u] = r.chance(0.4) ? r.range(0.5, 0.95) : r.range(0, 0.2);
    users.offline[u] = r.chance(0.3) ? r.range(0.02, 0.15) : 0.005;
    users.incognito[u] = r.chance(0.1) ? r.range(0.02, 0.1) : 0;
    for (let k = 0; k < FAVOURITES; k++) users.favourites[u * FAVOURITES + k] = pickGenreTrack(users, cat, u, r);
  }
  return users;
}

/** A track from one of the user's genres, Zipf-weighted by popularity within the genre. */
export function pickGenreTrack(users: Users, cat: Catalogue, u: number, r: Rng): number {
  return (cat.byGenre[drawGenre(users, u, r)] as NonNullable<Catalogue['byGenre'][number]>).sample(r);
}

export function drawGenre(users: Users, u: number, r: Rng): number {
  const x = r.next();
  const base = u * G;
  let gi = 0;
  while (gi < G - 1 && x >= (users.genreCum[base + gi] as number)) gi++;
  // Rounding can land on an empty genre; walk to the next one with tracks.
  while ((users.genreCum[base + gi] as number) - (gi > 0 ? (users.genreCum[base + gi - 1] as number) : 0) <= 0) gi = (gi + 1) % G;
  return gi;
}
