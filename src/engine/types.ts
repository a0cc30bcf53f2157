// The engine's records: a batch of listens in columns (dictionary-encoded ids, typed arrays), where a
// source stands in its input, and the source interface itself. Plain data; the hot path never builds an
// object per listen.
import type { InputProblem } from '../import/inputs.js';

/** Action codes in a batch: the lake's four actions, then 4 for a listen without one. */
export const ACTION_NAMES = ['play', 'pause', 'skip', 'complete'] as const;
export const ACTION_SKIP = 2;
export const ACTION_UNKNOWN = 4;
export const ACTION_SLOTS = 5;

export function actionCode(a: string | null | undefined): number {
  switch (a) {
    case 'play':
      return 0;
    case 'pause':
      return 1;
    case 'skip':
      return 2;
    case 'complete':
      return 3;
    default:
      return ACTION_UNKNOWN;
  }
}

/**
 * Listens in columns. Ids index the engine's dictionaries (src/engine/dict.ts); genre and mood are
 * properties of the track (dicts.trackGenre / trackMood), so they are not repeated per listen.
 */
export interface ListenBatch {
  readonly n: number;
  readonly user: Int32Array;
  readonly track: Int32Array;
  /** Artist id, -1 where the listen names none. */
  readonly artist: Int32Array;
  /** listened_at in epoch ms (the event time). */
  readonly ts: Float64Array;
  /** ms_played, -1 where unknown. */
  readonly ms: Int32Array;
  readonly action: Uint8Array;
}

/** Where a source stands, after the last record it handed out. Saved in checkpoints. */
export type SourcePosition =
  /** Lake: the last listen handed out, by (listened_at, user id, track id) — ids of the checkpoint's dictionaries. */
  | { readonly kind: 'lake'; readonly ts: number; readonly user: number; readonly track: number }
  | { readonly kind: 'file'; readonly row: number }
  | { readonly kind: 'generator'; readonly seq: number; readonly startMs: number }
  | { readonly kind: 'nats'; readonly seq: number }
  /** `earshot serve`: the lake replayed up to `lake` (null: not started), then the server's own listens up to ingest sequence `seq`. */
  | { readonly kind: 'serve'; readonly lake: { readonly ts: number; readonly user: number; readonly track: number } | null; readonly seq: number };

export interface SourceBatch {
  readonly listens: ListenBatch;
  /** Position after this batch: resuming from it continues with the next record. */
  readonly position: SourcePosition;
  /** Records read that were not valid listens (they never reach the views). */
  readonly rejected: number;
  /** Duplicates the source dropped (the file source drops repeats within its files, as an import does). */
  readonly duplicates?: number;
  /** For broker sources: when each message in the batch was published (epoch ms) and how many listens it held. */
  readonly published?: readonly { readonly at: number; readonly n: number }[];
}

export interface SourceStatus {
  /** Records known to be waiting (broker backlog), where the source can tell. */
  readonly lag: number | null;
  /** Messages received but not yet acknowledged, and how many the source may hold before it needs a checkpoint. */
  readonly unacked?: number;
  readonly maxUnacked?: number;
}

/**
 * A source of listens: an async iterable of batches with an explicit position, acknowledgement and
 * lifecycle (see nats.js consumers). The engine acks a position only once a checkpoint covers it.
 */
export interface StreamSource extends AsyncIterable<SourceBatch> {
  /** Identity a checkpoint belongs to (e.g. `lake`, `nats://127.0.0.1:4222/S`). */
  readonly id: string;
  /** Default replay speed: `max` for replays, 1 for a live generator. */
  readonly defaultSpeed: number | 'max';
  ack(position: SourcePosition): Promise<void>;
  /** Ends the iteration at the next batch; the source stays open for a last ack. */
  stop(): void;
  /** Ends the iteration and releases everything; resolves when done. */
  close(): Promise<void>;
  /** Resolves when the source has closed (ended, closed or failed). */
  closed(): Promise<void>;
  status(): SourceStatus;
  /** Inputs the source could not read (a file source's missing or unreadable files), to tell the user. */
  problems?(): readonly InputProblem[];
}

/** An empty batch's columns, sized n. */
export function allocBatch(n: number): { user: Int32Array; track: Int32Array; artist: Int32Array; ts: Float64Array; ms: Int32Array; action: Uint8Array } {
  return { user: new Int32Array(n), track: new Int32Array(n), artist: new Int32Array(n), ts: new Float64Array(n), ms: new Int32Array(n), action: new Uint8Array(n) };
}

/** The first `n` rows of a batch (views, no copy). */
export function sliceBatch(b: ListenBatch, from: number, to: number): ListenBatch {
  return {
    n: to - from,
    user: b.user.subarray(from, to),
    track: b.track.subarray(from, to),
    artist: b.artist.subarray(from, to),
    ts: b.ts.subarray(from, to),
    ms: b.ms.subarray(from, to),
    action: b.action.subarray(from, to),
  };
}
