// The listening simulation: every user plays sessions of consecutive tracks at the hours their rhythm
// favours, paced to fill the time range; a heap merges all users into one stream in time order.
// A user's plays never overlap: each starts after the previous one stopped (completed, skipped, paused),
// so a user's start times strictly increase (by at least two seconds) and always stay inside the range.

import type { Catalogue } from './catalogue.js';
import { IdHeap } from './heap.js';
import { checkFit, splitPlays } from './shares.js';
import { advanceByIntensity } from './rhythm.js';
import { Rng } from './rng.js';
import { STREAM } from './streams.js';
import { FAVOURITES, drawGenre, type Users } from './users.js';
import { COMPLETE, Listen, PAUSE, PLAY, SKIP, type ListenSource } from './listen.js';

const FIRST_REASON_WEIGHTS = [50, 0, 0, 25, 15, 10];
/** reason_start after a play that ended complete, skip, pause, play. */
const NEXT_REASON = [1, 2, 3, 0];

const MINUTE = 60_000;
/** Sessions are separated by more than 30 minutes of silence. */
const MIN_SESSION_GAP = 31 * MINUTE;
/** Silence between two plays of a session: after a pause, otherwise. */
const PAUSE_GAP = [10_000, 5 * MINUTE] as const;
const GAP = [200, 2_500] as const;
/**
 * The shortest start-to-start step a play can be cut to when a user runs out of time (a 1.8 s skip and the
 * shortest gap). Every user keeps this much room per play still to come, so the last one starts inside the range.
 */
const MIN_STEP = 2_000;

export interface EngineOptions {
  seed: number;
  users: Users;
  cat: Catalogue;
  /** Music listens to emit. */
  listens: number;
  /** Podcast-episode plays to mix in (Spotify exports carry a few). */
  episodes: number;
  startMs: number;
  endMs: number;
  /** The number of users is not the caller's choice (spotify-extended): a world that does not fit asks for more days. */
  usersFixed?: boolean;
}

export class ListenEngine implements ListenSource {
  private readonly r: Rng;
  private readonly heap: IdHeap;
  private readonly users: Users;
  private readonly cat: Catalogue;
  private readonly nextMs: Float64Array;
  private readonly remaining: Float64Array;
  private readonly sessLeft: Int32Array;
  private readonly sessNo: Int32Array;
  private readonly prevTrack: Int32Array;
  private readonly prevOutcome: Int8Array;
  private readonly sessGenre: Int8Array;
  private readonly sessDevice: Uint8Array;
  private readonly sessFlags: Uint8Array;
  private readonly sessMean: Float64Array;
  private readonly stepMean: number;
  /** Time used by each user's plays so far (play + gap), and how many: the user's own step estimate. */
  private readonly spent: Float64Array;
  private readonly played: Float64Array;
  private readonly lastMs: number;
  private slotsLeft: number;
  private episodesLeft: number;
  private seq = 0;

  constructor(private readonly o: EngineOptions) {
    const U = o.users.count;
    this.users = o.users;
    this.cat = o.cat;
    this.r = new Rng(o.seed, STREAM.engine);
    this.nextMs = new Float64Array(U);
    this.remaining = new Float64Array(U);
    this.sessLeft = new Int32Array(U);
    this.sessNo = new Int32Array(U);
    this.prevTrack = new Int32Array(U).fill(-1);
    this.prevOutcome = new Int8Array(U);
    this.sessGenre = new Int8Array(U);
    this.sessDevice = new Uint8Array(U);
    this.sessFlags = new Uint8Array(U);
    this.sessMean = new Float64Array(U);
    this.spent = new Float64Array(U);
    this.played = new Float64Array(U);
    this.heap = new IdHeap(U, this.nextMs);
    this.lastMs = o.endMs - 1000;
    this.slotsLeft = o.listens + o.episodes;
    this.episodesLeft = o.episodes;
    // Expected time from one play's start to the next within a session (see playOutcome and next).
    this.stepMean = 0.66 * o.cat.meanPlayDurationMs + 12_000;

    // Split the plays over users by activity, none above what one listener can play in the range
    // (the surplus of heavy listeners goes to the others); a world that cannot fit is refused.
    const range = o.endMs - o.startMs;
    const cap = checkFit({ plays: this.slotsLeft, users: U, rangeMs: range, meanTrackMs: o.cat.meanPlayDurationMs, usersFixed: o.usersFixed });
    const shares = splitPlays(o.users.activity, this.slotsLeft, cap);
    for (let u = 0; u < U; u++) {
      const n = shares[u] as number;
      this.remaining[u] = n;
      if (n <= 0) continue;
      // Heavy listeners get longer sessions: silences between sessions take at most about 20% of the range.
      this.sessMean[u] = Math.max(o.users.sessionMean[u] as number, (n * MIN_SESSION_GAP * 1.1) / (0.2 * range));
      this.startSession(u, o.startMs, true);
      this.heap.push(u);
    }
  }

  /** Fills `out` with the next play in time order; false when all are out. */
  next(out: Listen): boolean {
    if (this.heap.size === 0) return false;
    const r = this.r;
    const u = this.heap.peek();
    const t = this.nextMs[u] as number;
    out.seq = this.seq++;
    out.user = u;
    out.startMs = t;
    out.session = this.sessNo[u] as number;
    out.device = this.sessDevice[u] as number;
    const flags = this.sessFlags[u] as number;
    out.shuffle = (flags & 1) !== 0;
    out.offline = (flags & 2) !== 0;
    out.incognito = (flags & 4) !== 0;
    const prev = this.prevOutcome[u] as number;
    out.reasonStart = prev < 0 ? (out.device === 5 ? 5 : r.weighted(FIRST_REASON_WEIGHTS)) : (NEXT_REASON[prev] as number);

    if (this.episodesLeft > 0 && r.next() * this.slotsLeft < this.episodesLeft) {
      this.episodesLeft--;
      out.track = -1;
      out.episode = this.o.episodes - this.episodesLeft - 1;
      out.episodeMs = Math.round(Math.min(120, Math.max(3, 25 * Math.exp(r.normal() * 0.5))) * MINUTE);
      out.outcome = r.chance(0.5) ? COMPLETE : PLAY;
      out.playedMs = out.outcome === COMPLETE ? out.episodeMs : Math.floor(out.episodeMs * r.range(0.05, 0.95));
    } else {
      out.track = this.pickTrack(u, flags);
      out.episode = -1;
      this.playOutcome(out);
    }
    this.slotsLeft--;

    const left = (this.remaining[u] as number) - 1;
    this.remaining[u] = left;
    const sl = (this.sessLeft[u] as number) - 1;
    this.sessLeft[u] = sl;
    if (left <= 0) {
      this.prevOutcome[u] = out.outcome;
      this.heap.pop();
      return true;
    }
    this.played[u] = (this.played[u] as number) + 1;
    const stop = t + out.playedMs;
    if (sl <= 0 && this.roomForSession(u, stop, left)) {
      this.spent[u] = (this.spent[u] as number) + out.playedMs;
      this.startSession(u, stop, false);
    } else {
      // Within a session (which goes on to the end when no further session would fit).
      if (sl <= 0) this.sessLeft[u] = left;
      let gap = Math.floor(out.outcome === PAUSE ? r.range(PAUSE_GAP[0], PAUSE_GAP[1]) : r.range(GAP[0], GAP[1]));
      // The most this play and its gap may take so that the `left` plays still to come fit at MIN_STEP each
      // (at least MIN_STEP, since this play's start kept that room): out of time, the user skips early.
      const room = this.lastMs - (left - 1) * MIN_STEP - t;
      if (out.playedMs + gap > room) {
        if (room - out.playedMs >= GAP[0]) gap = room - out.playedMs;
        else {
          gap = GAP[0];
          this.cut(out, room - gap);
        }
      }
      this.spent[u] = (this.spent[u] as number) + out.playedMs + gap;
      this.nextMs[u] = t + out.playedMs + gap;
      this.prevOutcome[u] = out.outcome;
    }
    this.heap.topChanged();
    return true;
  }

  /** True when a new session (after more than 30 minutes of silence) still leaves time for the `left` plays to come. */
  private roomForSession(u: number, stopMs: number, left: number): boolean {
    return stopMs + MIN_SESSION_GAP + left * Math.max(MIN_STEP, 1.1 * this.step(u)) <= this.lastMs;
  }

  /** Ends a play early (at most `most` ms, which is at least MIN_STEP - GAP[0]): a skip, or a stopped episode. */
  private cut(out: Listen, most: number): void {
    if (out.playedMs <= most) return;
    if (out.track < 0) {
      out.outcome = PLAY;
      out.playedMs = Math.min(most, out.episodeMs - 1);
    } else {
      out.outcome = SKIP;
      out.playedMs = Math.min(most, Math.floor((this.cat.durationMs[out.track] as number) * 0.5));
    }
  }

  private startSession(u: number, fromMs: number, first: boolean): void {
    const r = this.r;
    const users = this.users;
    const left = this.remaining[u] as number;
    const earliest = first ? fromMs : fromMs + MIN_SESSION_GAP;
    const avail = this.o.endMs - earliest;
    const need = left * this.step(u);
    if (avail > 0 && need + (left / (this.sessMean[u] as number) - 1) * MIN_SESSION_GAP > 0.95 * avail) {
      // Fallen behind (bad luck): longer sessions, so fewer silences, rather than a pile-up at the end.
      this.sessMean[u] = Math.max(this.sessMean[u] as number, (left * MIN_SESSION_GAP * 1.1) / (0.25 * avail));
    }
    const mean = this.sessMean[u] as number;
    const sessions = Math.max(1, left / mean);
    // Spread the free time over the sessions left (a little margin on the estimate; no extreme waits).
    const free = avail - 1.1 * need - (sessions - 1) * MIN_SESSION_GAP;
    const meanMass = Math.max(0, free) / 3_600_000 / (sessions + (first ? 0 : 0.5));
    const mass = Math.min(3 * meanMass, r.exp(meanMass));
    let start = Math.floor(advanceByIntensity(earliest, users.tzMs[u] as number, users.rhythm[u] as number, mass));
    // Leave room (with a margin) for what is left, and play it all in one go when no further session would fit.
    const latest = this.o.endMs - need * 1.3 - 10 * MINUTE;
    if (start > latest) start = Math.floor(earliest + Math.max(0, latest - earliest) * r.next());
    // Keep MIN_STEP per play still to come (roomForSession made sure `earliest` does).
    start = Math.max(earliest, Math.min(start, this.lastMs - (left - 1) * MIN_STEP));
    this.nextMs[u] = start;
    const lastOne = this.o.endMs - start - need * 1.3 < 2 * MIN_SESSION_GAP;
    this.sessLeft[u] = lastOne ? left : Math.min(left, 1 + Math.floor(r.exp(mean - 1)));
    this.sessNo[u] = (this.sessNo[u] as number) + 1;
    this.prevOutcome[u] = -1;
    this.sessGenre[u] = -1;
    const nDev = users.deviceCount[u] as number;
    this.sessDevice[u] = users.devices[u * 3 + (nDev > 1 && r.chance(0.35) ? 1 + r.int(nDev - 1) : 0)] as number;
    this.sessFlags[u] = (r.chance(users.shuffle[u] as number) ? 1 : 0) | (r.chance(users.offline[u] as number) ? 2 : 0)
      | (r.chance(users.incognito[u] as number) ? 4 : 0);
  }

  /** Expected time per play for this user: the global estimate, corrected by what the user has used. */
  private step(u: number): number {
    return ((this.spent[u] as number) + 8 * this.stepMean) / ((this.played[u] as number) + 8);
  }

  private pickTrack(u: number, flags: number): number {
    const r = this.r;
    const cat = this.cat;
    const prev = this.prevTrack[u] as number;
    let track: number;
    const x = r.next();
    if (x < 0.1) {
      track = this.users.favourites[u * FAVOURITES + r.int(FAVOURITES)] as number;
    } else if (x < 0.17 && prev >= 0 && (flags & 1) === 0) {
      const a = cat.artistOf[prev] as number;
      const from = cat.artistStart[a] as number;
      track = cat.artistTracks[from + r.int((cat.artistStart[a + 1] as number) - from)] as number;
    } else {
      const sg = this.sessGenre[u] as number;
      const gi = sg >= 0 && r.next() < 0.6 ? sg : drawGenre(this.users, u, r);
      const table = cat.byGenre[gi] as NonNullable<Catalogue['byGenre'][number]>;
      track = table.sample(r);
      if (((this.users.likedMoods[u] as number) & (1 << (cat.mood[track] as number))) === 0 && r.next() < 0.4) track = table.sample(r);
      if (track === prev) track = table.sample(r);
      this.sessGenre[u] = gi;
    }
    if (track === prev && cat.count > 1) track = (track + 1) % cat.count;
    this.prevTrack[u] = track;
    return track;
  }

  private playOutcome(out: Listen): void {
    const r = this.r;
    const cat = this.cat;
    const t = out.track;
    const u = out.user;
    const dur = cat.durationMs[t] as number;
    const liked = (((this.users.likedGenres[u] as number) >> (cat.genre[t] as number)) & 1)
      + (((this.users.likedMoods[u] as number) >> (cat.mood[t] as number)) & 1);
    const pSkip = (liked === 2 ? 0.2 : liked === 1 ? 0.31 : 0.45) + (out.shuffle ? 0.04 : 0);
    const x = r.next();
    if (x < 0.05) {
      out.outcome = PAUSE;
      out.playedMs = Math.floor(dur * r.range(0.1, 0.95));
    } else if (x < 0.1) {
      out.outcome = PLAY;
      out.playedMs = Math.floor(dur * r.range(0.02, 0.99));
    } else if (x < 0.1 + pSkip) {
      out.outcome = SKIP;
      out.playedMs = Math.min(Math.floor(dur * 0.5), 1_500 + Math.floor(Math.exp(2 + 0.8 * r.normal()) * 1000));
    } else {
      out.outcome = COMPLETE;
      out.playedMs = dur;
    }
  }
}
