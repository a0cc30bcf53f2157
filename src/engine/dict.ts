// Dictionary encoding: every user, track, artist, genre and mood string becomes a small integer once,
// so the views key their state by integers in typed arrays. Ids are given in order of first sight and
// saved with the checkpoint, so a resumed engine (and a replay of the same input) gives the same ids.

export class Dict {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  private rankOf = new Int32Array(0);
  private sorted = new Int32Array(0);

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

  load(values: readonly string[]): void {
    this.values.length = 0;
    this.ids.clear();
    this.sorted = new Int32Array(0);
    for (const v of values) this.id(v);
  }

  /**
   * Rank of each id by its string's order (0 = first): the tie-break wherever SQL would say
   * `ORDER BY count DESC, name`. New values are sorted and merged in, so keeping ranks current costs
   * O(size) per call that follows growth.
   */
  ranks(): Int32Array {
    const n = this.values.length;
    if (this.sorted.length === n) return this.rankOf;
    const keys = this.values;
    const old = this.sorted;
    const fresh = Array.from({ length: n - old.length }, (_, i) => old.length + i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    const merged = new Int32Array(n);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < fresh.length) merged[k++] = keys[old[i]!]! <= keys[fresh[j]!]! ? old[i++]! : fresh[j++]!;
    while (i < old.length) merged[k++] = old[i++]!;
    while (j < fresh.length) merged[k++] = fresh[j++]!;
    const rank = new Int32Array(n);
    for (let r = 0; r < n; r++) rank[merged[r]!] = r;
    this.sorted = merged;
    this.rankOf = rank;
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

  /** Ranks of tracks by track_key: trending's tie-break (ties go to the key that sorts first). */
  trackRanks(): Int32Array {
    return this.tracks.ranks();
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

  load(s: DictsState): void {
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
