// The contract between the engine and a live view: columnar batches in, rows out at each flush, state
// in and out of checkpoints.
import type { EngineConfig } from '../engine/config.js';
import type { Dicts } from '../engine/dict.js';
import type { SnapshotReader, SnapshotWriter } from '../engine/snapshot.js';
import type { ListenBatch } from '../engine/types.js';
import type { ChangeSet } from './tables.js';

export interface ViewContext {
  readonly config: EngineConfig;
  readonly dicts: Dicts;
}

export interface ViewStats {
  /** Keys (windows, users, sessions) held in state. */
  readonly keys: number;
  /** Approximate bytes of state. */
  readonly bytes: number;
}

export interface View {
  readonly name: string;
  /** Applies the accepted listens of a batch (acc[i] = 1) to the view's state. */
  add(b: ListenBatch, acc: Uint8Array): void;
  /**
   * Emits every key changed since the last flush, then drops state the watermark has closed: no listen
   * at or after the watermark can change it any more.
   */
  flush(watermark: number, out: ChangeSet): void;
  /** Writes the state (called right after a flush, so nothing is pending). */
  snapshot(w: SnapshotWriter): void;
  restore(r: SnapshotReader): void;
  stats(): ViewStats;
}
