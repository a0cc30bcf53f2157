// One play as the simulation hands it out, and the codes its fields use; shared by the engine,
// the dirty-row pump and every output format.

export const COMPLETE = 0;
export const SKIP = 1;
export const PAUSE = 2;
export const PLAY = 3;
export const ACTIONS = ['complete', 'skip', 'pause', 'play'] as const;
export const REASON_END = ['trackdone', 'fwdbtn', 'endplay', 'endplay'] as const;
export const REASON_START = ['clickrow', 'trackdone', 'fwdbtn', 'playbtn', 'appload', 'remote'] as const;

/** One emitted play, reused between calls: read it, do not keep it. */
export class Listen {
  /** Position in the stream, from 0. */
  seq = 0;
  user = 0;
  /** Catalogue index, or -1 for a podcast episode. */
  track = 0;
  /** Episode number (from 0) when track is -1. */
  episode = -1;
  episodeMs = 0;
  startMs = 0;
  playedMs = 0;
  outcome = COMPLETE;
  /** The user's session number, from 1. */
  session = 0;
  device = 0;
  shuffle = false;
  offline = false;
  incognito = false;
  reasonStart = 0;

  copyFrom(o: Listen): this {
    this.seq = o.seq; this.user = o.user; this.track = o.track; this.episode = o.episode; this.episodeMs = o.episodeMs;
    this.startMs = o.startMs; this.playedMs = o.playedMs; this.outcome = o.outcome; this.session = o.session; this.device = o.device;
    this.shuffle = o.shuffle; this.offline = o.offline; this.incognito = o.incognito; this.reasonStart = o.reasonStart;
    return this;
  }
}

/** Anything that hands out plays one at a time. */
export interface ListenSource {
  next(out: Listen): boolean;
}
