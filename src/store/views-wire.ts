// The messages between the engine's thread and the view store's worker (src/store/views-thread.ts).
import type { DictsState } from '../engine/dict.js';
import type { ViewWriteMeta } from './views.js';

export type WireColumns = { table: string; n: number; cols: Float64Array[] }[];

/** Dictionary entries added since the last write: the checkpoint's dictionary state, less what only the engine reads. */
export type DictDelta = Omit<DictsState, 'trackGenre' | 'trackMood'>;

export type Request =
  | { id: number; op: 'open'; dataDir: string; holdMs: number }
  | { id: number; op: 'write'; rows: WireColumns; deletes: WireColumns; dicts: DictDelta; meta: ViewWriteMeta }
  | { id: number; op: 'release' | 'clear' | 'close' };

export type Reply =
  | { id: number; ok: true }
  | { id: number; ok: false; error: { kind: 'busy' | 'other'; message: string; hint?: string; retriable: boolean } };
