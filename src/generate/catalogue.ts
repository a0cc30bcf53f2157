// The synthetic catalogue: artists (each mostly in one genre), albums and tracks with genre, mood,
// correlated audio features and a Zipf-like popularity, held in flat arrays so millions of draws stay cheap.

import { AliasTable, Rng, clamp3 } from './rng.js';
import { albumTitle, artistName as makeArtistName, trackTitle } from './names.js';
import { COUNTRIES, GENRES, GENRE_MOODS, GENRE_SOUND, GENRE_WEIGHTS, HAPPY, MOOD_ENERGY, MOOD_VALENCE, SAD } from './vocab.js';
import { STREAM } from './streams.js';

export interface Catalogue {
  readonly count: number;
  readonly title: string[];
  readonly artistOf: Int32Array;
  readonly albumOf: Int32Array;
  readonly genre: Uint8Array;
  readonly mood: Uint8Array;
  readonly durationMs: Int32Array;
  readonly popularity: Uint8Array;
  readonly explicit: Uint8Array;
  readonly danceability: Float64Array;
  readonly energy: Float64Array;
  readonly valence: Float64Array;
  readonly tempo: Float64Array;
  readonly acousticness: Float64Array;
  readonly instrumentalness: Float64Array;
  readonly speechiness: Float64Array;
  readonly liveness: Float64Array;
  readonly loudness: Float64Array;
  readonly key: Int8Array;
  readonly mode: Uint8Array;
  readonly timeSignature: Uint8Array;
  readonly spotifyId: string[];
  readonly isrc: string[];
  readonly artistName: string[];
  /** Tracks of artist a are artistTracks[artistStart[a] .. artistStart[a + 1]). */
  readonly artistStart: Int32Array;
  readonly artistTracks: Int32Array;
  readonly albumName: string[];
  readonly albumDate: string[];
  /** Zipf-weighted draw of a track within each genre (null where the genre has no tracks). */
  readonly byGenre: (AliasTable | null)[];
  /** Mean track length weighted by how often tracks are drawn. */
  readonly meanPlayDurationMs: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

export function buildCatalogue(seed: number, trackCount: number, lastYear: number): Catalogue {
  const T = Math.max(1, Math.floor(trackCount));
  const A = Math.max(1, Math.round(T / 8));
  const r = new Rng(seed, STREAM.catalogue);

  // Artists: genre, fame, how prolific, a unique name, a label country and registrant for ISRCs.
  const artistGenre = new Uint8Array(A);
  const fame = new Float64Array(A);
  const prolific = new Float64Array(A);
  const artistName: string[] = new Array<string>(A);
  const registrant: string[] = new Array<string>(A);
  const seen = new Set<string>();
  for (let a = 0; a < A; a++) {
    artistGenre[a] = r.weighted(GENRE_WEIGHTS);
    fame[a] = Math.exp(r.normal() * 1.2);
    prolific[a] = Math.exp(r.normal() * 0.7);
    let name = makeArtistName(r, artistGenre[a] as number);
    for (let i = 0; i < 12 && seen.has(name); i++) name = makeArtistName(r, artistGenre[a] as number);
    if (seen.has(name)) name = `${name} ${a + 1}`;
    seen.add(name);
    artistName[a] = name;
    registrant[a] = r.pick(COUNTRIES).code + ALNUM[r.int(26)] + ALNUM[r.int(36)] + ALNUM[r.int(36)];
  }

  // Every artist gets one track, the rest go to prolific artists; then shuffle so ids are mixed.
  const artistOf = new Int32Array(T);
  const byProlific = new AliasTable(Int32Array.from({ length: A }, (_, i) => i), prolific);
  for (let t = 0; t < T; t++) artistOf[t] = t < A ? t : byProlific.sample(r);
  for (let t = T - 1; t > 0; t--) {
    const j = r.int(t + 1);
    const x = artistOf[t] as number;
    artistOf[t] = artistOf[j] as number;
    artistOf[j] = x;
  }
  const artistStart = new Int32Array(A + 1);
  for (let t = 0; t < T; t++) artistStart[(artistOf[t] as number) + 1] = (artistStart[(artistOf[t] as number) + 1] as number) + 1;
  for (let a = 0; a < A; a++) artistStart[a + 1] = (artistStart[a + 1] as number) + (artistStart[a] as number);
  const artistTracks = new Int32Array(T);
  const fill = artistStart.slice(0, A);
  for (let t = 0; t < T; t++) {
    const a = artistOf[t] as number;
    artistTracks[fill[a] as number] = t;
    fill[a] = (fill[a] as number) + 1;
  }

  // Tracks: genre mostly the artist's, mood given genre, features given both.
  const genre = new Uint8Array(T);
  const mood = new Uint8Array(T);
  const title: string[] = new Array<string>(T);
  const durationMs = new Int32Array(T);
  const explicit = new Uint8Array(T);
  const f = {
    danceability: new Float64Array(T), energy: new Float64Array(T), valence: new Float64Array(T), tempo: new Float64Array(T),
    acousticness: new Float64Array(T), instrumentalness: new Float64Array(T), speechiness: new Float64Array(T),
    liveness: new Float64Array(T), loudness: new Float64Array(T),
  };
  const key = new Int8Array(T);
  const mode = new Uint8Array(T);
  const timeSignature = new Uint8Array(T);
  const spotifyId: string[] = new Array<string>(T);
  for (let t = 0; t < T; t++) {
    const gi = r.chance(0.85) ? (artistGenre[artistOf[t] as number] as number) : r.weighted(GENRE_WEIGHTS);
    const s = GENRE_SOUND[gi] as (typeof GENRE_SOUND)[number];
    const m = r.weighted(GENRE_MOODS[gi] as number[]);
    genre[t] = gi;
    mood[t] = m;
    title[t] = trackTitle(r, gi);
    const sec = s.durationS * Math.exp(r.normal() * 0.22);
    durationMs[t] = Math.round(Math.min(420, Math.max(90, sec)) * 1000);
    explicit[t] = r.chance(s.explicit) ? 1 : 0;
    const [vlo, vhi] = MOOD_VALENCE[m] as [number, number];
    const [elo, ehi] = MOOD_ENERGY[m] as [number, number];
    const shift = GENRES[gi] === 'Metal' ? 0.05 : GENRES[gi] === 'Ambient' || GENRES[gi] === 'Classical' ? -0.05 : 0;
    const valence = clamp3(r.range(vlo, vhi), 0, 1);
    const energy = clamp3(r.range(elo, ehi) + shift, 0.01, 1);
    f.valence[t] = valence;
    f.energy[t] = energy;
    f.acousticness[t] = clamp3(s.acoustic + r.normal() * 0.12 - (energy - 0.5) * 0.3, 0, 0.996);
    f.instrumentalness[t] = r.chance(s.instrumental) ? clamp3(r.range(0.5, 0.98), 0, 1) : clamp3(r.exp(0.01), 0, 0.3);
    f.speechiness[t] = clamp3(s.speech + r.normal() * 0.05, 0.022, 0.95);
    f.danceability[t] = clamp3(s.dance + r.normal() * 0.1 + (valence - 0.5) * 0.15, 0.05, 0.98);
    f.tempo[t] = clamp3(s.tempo[0] + (s.tempo[1] - s.tempo[0]) * (0.35 * energy + 0.65 * r.next()), 40, 220);
    f.liveness[t] = r.chance(s.live) ? clamp3(r.range(0.7, 0.98), 0, 1) : clamp3(0.04 + r.exp(0.1), 0, 0.6);
    f.loudness[t] = clamp3(-24 + 20 * energy + r.normal() * 1.5, -35, -1);
    key[t] = r.int(12);
    mode[t] = r.chance(m === HAPPY ? 0.8 : m === SAD ? 0.3 : 0.6) ? 1 : 0;
    const odd = gi === 6 || gi === 7 || gi === 10 ? 0.15 : 0.03;
    timeSignature[t] = r.chance(odd) ? 3 : r.chance(0.02) ? 5 : 4;
    spotifyId[t] = new Rng(seed, STREAM.spotifyId, t).base62();
  }

  // Albums: each artist's tracks in runs of singles and 6-14 track records, dated along a career.
  const albumOf = new Int32Array(T);
  const albumName: string[] = [];
  const albumDate: string[] = [];
  const isrc: string[] = new Array<string>(T);
  for (let a = 0; a < A; a++) {
    const from = artistStart[a] as number;
    const to = artistStart[a + 1] as number;
    let year = lastYear - Math.min(55, Math.floor(r.exp(9)));
    for (let i = from; i < to;) {
      const size = r.chance(0.25) ? 1 : 6 + r.int(9);
      const first = artistTracks[i] as number;
      const id = albumName.length;
      albumName.push(size === 1 ? (title[first] as string) : albumTitle(r, artistGenre[a] as number));
      albumDate.push(`${year}-${pad(1 + r.int(12), 2)}-${pad(1 + r.int(28), 2)}`);
      for (let k = 0; k < size && i < to; k++, i++) {
        const t = artistTracks[i] as number;
        albumOf[t] = id;
        isrc[t] = `${registrant[a]}${pad(year % 100, 2)}${pad(t % 100000, 5)}`;
      }
      year = Math.min(lastYear, year + 1 + r.int(3));
    }
  }

  // Popularity: famous artists have popular tracks; draws follow Zipf over the popularity rank.
  const score = new Float64Array(T);
  for (let t = 0; t < T; t++) score[t] = Math.log(fame[artistOf[t] as number] as number) + r.normal() * 0.9;
  const order = Int32Array.from({ length: T }, (_, i) => i).sort((x, y) => (score[y] as number) - (score[x] as number) || x - y);
  const zipf = new Float64Array(T);
  const popularity = new Uint8Array(T);
  const lnT = Math.log(T + 1);
  for (let rank = 0; rank < T; rank++) {
    const t = order[rank] as number;
    zipf[t] = 1 / Math.pow(rank + 3, 0.95);
    popularity[t] = Math.max(0, Math.min(100, Math.round(100 * (1 - Math.log(rank + 1) / lnT) - r.int(4))));
  }
  const byGenre: (AliasTable | null)[] = GENRES.map((_, gi) => {
    const items: number[] = [];
    for (let t = 0; t < T; t++) if (genre[t] === gi) items.push(t);
    if (items.length === 0) return null;
    const w = Float64Array.from(items, (t) => zipf[t] as number);
    return new AliasTable(Int32Array.from(items), w);
  });
  let wsum = 0;
  let dsum = 0;
  for (let t = 0; t < T; t++) { wsum += zipf[t] as number; dsum += (zipf[t] as number) * (durationMs[t] as number); }

  return {
    count: T, title, artistOf, albumOf, genre, mood, durationMs, popularity, explicit, ...f, key, mode, timeSignature,
    spotifyId, isrc, artistName, artistStart, artistTracks, albumName, albumDate, byGenre, meanPlayDurationMs: dsum / wsum,
  };
}
