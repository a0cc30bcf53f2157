// Dictionary encoding: every user, track, artist, genre and mood string becomes a small integer once,
// so the views key their state by integers in typed arrays. Ids are given in order of first sight and
// saved with the checkpoint, so a resumed engine (and a replay of the same input) gives the same ids.
import type { SnapshotReader, SnapshotWriter } from './snapshot.js';
import { decodeStrings, StringEncoder, type EncodedStrings } from './string-encoding.js';

export class Dict {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  /** sorted[0, sortedN): ids in their strings' order; rankOf[id]: the id's place in it. Both grow by doubling. */
  private sorted = new Int32Array(0);
  private sortedN = 0;
  private rankOf = new Int32Array(0);
  private readonly enc = new StringEncoder();

  /** The id of `s`, given a new one on first sight. */
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.ids.set(s, i);
    }
    return i;
  }

  find(s: string): number | undefined {
    return this.ids.get(s);
  }

  get size(): number {
    return this.values.length;
  }

  /** Replaces the values; `encoded`, when given, is their checkpoint encoding (not encoded again). */
  load(values: readonly string[], encoded?: EncodedStrings): void {
    this.values.length = 0;
    this.ids.clear();
    this.sortedN = 0;
    this.enc.reset();
    for (const v of values) this.id(v);
    if (encoded) this.enc.adopt(encoded);
  }

  /** The values as a checkpoint section pair, encoding only those added since the last call. */
  encoded(): EncodedStrings {
    return this.enc.encode(this.values);
  }

  /**
   * Rank of each id by its string's order (0 = first): the tie-break wherever SQL would say
   * `ORDER BY count DESC, name`. Valid for ids below `size`. New values are sorted and merged in from
   * the back, each placed by binary search with the larger values moved up in one block, so a call that
   * follows the arrival of a few values costs a few comparisons each plus moving integers; only the
   * ranks from the first place that changed are rewritten.
   */
  ranks(): Int32Array {
    const n = this.values.length;
    const old = this.sortedN;
    if (old === n) return this.rankOf;
    const keys = this.values;
    const fresh = Array.from({ length: n - old }, (_, i) => old + i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    if (this.sorted.length < n) {
      const cap = Math.max(n, this.sorted.length * 2, 1024);
      const s = new Int32Array(cap);
      s.set(this.sorted.subarray(0, old));
      this.sorted = s;
      const r = new Int32Array(cap);
      r.set(this.rankOf.subarray(0, old));
      this.rankOf = r;
    }
    const sorted = this.sorted;
    // Merge in place from the back: i walks the old values, k the place being filled.
    let i = old - 1;
    let k = n - 1;
    for (let j = fresh.length - 1; j >= 0; j--) {
      const f = fresh[j]!;
      const key = keys[f]!;
      let lo = 0;
      let hi = i + 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[sorted[mid]!]! < key) lo = mid + 1;
        else hi = mid;
      }
      const larger = i - lo + 1;
      if (larger > 0) sorted.copyWithin(k - larger + 1, lo, i + 1);
      k -= larger;
      sorted[k--] = f;
      i = lo - 1;
    }
    const rank = this.rankOf;
    for (let r = i + 1; r < n; r++) rank[sorted[r]!] = r;
    this.sortedN = n;
    return rank;
  }
}

function grown<T extends Int32Array | Float64Array>(a: T, need: number, fill: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as { new (n: number): T })(Math.max(need, a.length * 2, 1024));
  b.set(a);
  b.fill(fill, a.length);
  return b;
}

export class Dicts {
  readonly users = new Dict();
  readonly tracks = new Dict();
  readonly artists = new Dict();
  readonly genres = new Dict();
  readonly moods = new Dict();
  /** Title and artist of each track as first seen (for display only). */
  readonly trackName: (string | null)[] = [];
  readonly trackArtist: (string | null)[] = [];
  /** Genre and mood id of each track (from the catalogue or the message), -1 unknown. */
  trackGenre = new Int32Array(1024).fill(-1);
  trackMood = new Int32Array(1024).fill(-1);
  private readonly nameEnc = new StringEncoder();
  private readonly artistEnc = new StringEncoder();

  /** The id of a track, recording its names and genre/mood where given and not yet known. */
  track(key: string, name?: string | null, artist?: string | null, genre?: string | null, mood?: string | null): number {
    const before = this.tracks.size;
    const t = this.tracks.id(key);
    if (t === before) {
      this.trackName.push(name ?? null);
      this.trackArtist.push(artist ?? null);
      this.trackGenre = grown(this.trackGenre, t + 1, -1);
      this.trackMood = grown(this.trackMood, t + 1, -1);
    }
    if (genre) this.trackGenre[t] = this.genres.id(genre);
    if (mood) this.trackMood[t] = this.moods.id(mood);
    return t;
  }

  /** Sets (or clears, with null) a track's genre and mood, as the catalogue says. */
  setTrackLabels(t: number, genre: string | null, mood: string | null): void {
    this.trackGenre[t] = genre ? this.genres.id(genre) : -1;
    this.trackMood[t] = mood ? this.moods.id(mood) : -1;
  }

  toJSON(): DictsState {
    const n = this.tracks.size;
    return {
      users: this.users.values,
      tracks: this.tracks.values,
      trackName: this.trackName,
      trackArtist: this.trackArtist,
      trackGenre: Array.from(this.trackGenre.subarray(0, n)),
      trackMood: Array.from(this.trackMood.subarray(0, n)),
      artists: this.artists.values,
      genres: this.genres.values,
      moods: this.moods.values,
    };
  }

  /** The dictionaries as checkpoint sections (binary; the strings encoded as they were added, src/engine/string-encoding.ts). */
  write(w: SnapshotWriter): void {
    const lists: [string, EncodedStrings][] = [
      ...this.named().map(([name, d]): [string, EncodedStrings] => [name, d.encoded()]),
      ['trackName', this.nameEnc.encode(this.trackName)],
      ['trackArtist', this.artistEnc.encode(this.trackArtist)],
    ];
    for (const [name, e] of lists) {
      w.i32(`${name}.lens`, e.lens);
      w.u8(`${name}.bytes`, e.bytes);
    }
    const n = this.tracks.size;
    // Copies (8 bytes a track): labels of known tracks can change, unlike the append-only strings above.
    w.i32('trackGenre', this.trackGenre.slice(0, n));
    w.i32('trackMood', this.trackMood.slice(0, n));
  }

  /** Restores what `write` wrote. */
  read(r: SnapshotReader): void {
    const section = (name: string): EncodedStrings => ({ lens: r.i32(`${name}.lens`), bytes: r.u8(`${name}.bytes`) });
    for (const [name, d] of this.named()) {
      const e = section(name);
      const values = decodeStrings(e);
      if (values.includes(null)) throw new Error(`checkpoint dictionary ${name} holds a null`);
      d.load(values as string[], e);
    }
    const n = this.tracks.size;
    for (const [name, list, enc] of [['trackName', this.trackName, this.nameEnc], ['trackArtist', this.trackArtist, this.artistEnc]] as const) {
      const e = section(name);
      const values = decodeStrings(e);
      if (values.length !== n) throw new Error(`checkpoint section ${name} has ${values.length} entries for ${n} tracks`);
      list.length = 0;
      for (const v of values) list.push(v);
      enc.adopt(e);
    }
    const genre = r.i32('trackGenre');
    const mood = r.i32('trackMood');
    if (genre.length !== n || mood.length !== n) throw new Error(`checkpoint track genres/moods have ${genre.length}/${mood.length} entries for ${n} tracks`);
    this.trackGenre = grown(new Int32Array(0), n, -1);
    this.trackMood = grown(new Int32Array(0), n, -1);
    this.trackGenre.set(genre);
    this.trackMood.set(mood);
  }

  private named(): [string, Dict][] {
    return [
      ['users', this.users],
      ['tracks', this.tracks],
      ['artists', this.artists],
      ['genres', this.genres],
      ['moods', this.moods],
    ];
  }

  load(s: DictsState): void {
    this.nameEnc.reset();
    this.artistEnc.reset();
    this.users.load(s.users);
    this.tracks.load(s.tracks);
    this.artists.load(s.artists);
    this.genres.load(s.genres);
    this.moods.load(s.moods);
    this.trackName.length = 0;
    for (const x of s.trackName) this.trackName.push(x);
    this.trackArtist.length = 0;
    for (const x of s.trackArtist) this.trackArtist.push(x);
    const n = s.tracks.length;
    this.trackGenre = grown(new Int32Array(0), n, -1);
    this.trackMood = grown(new Int32Array(0), n, -1);
    this.trackGenre.set(s.trackGenre);
    this.trackMood.set(s.trackMood);
  }
}

export interface DictsState {
  users: string[];
  tracks: string[];
  trackName: (string | null)[];
  trackArtist: (string | null)[];
  trackGenre: number[];
  trackMood: number[];
  artists: string[];
  genres: string[];
  moods: string[];
}
