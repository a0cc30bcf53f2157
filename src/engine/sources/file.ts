// Replay of importable files: their listens in file order (so a late row in the file arrives late, as it
// did), validated and de-duplicated as an import would (staged.ts). The position is the number of
// listens handed out; resuming re-reads the files and skips them.
import { resolve } from 'node:path';
import { attachLake } from '../../lake/views.js';
import { dataPaths } from '../../lake/paths.js';
import { openDb, type Db } from '../../util/db.js';
import type { Dicts } from '../dict.js';
import type { SourceBatch, SourcePosition, StreamSource } from '../types.js';
import { ACTION_CODE_SQL, BatchBuilder } from './duck.js';
import { DuckDictionaries } from './encode.js';
import { stageFiles, type StagedFiles, type StageOptions } from './staged.js';
import { pullSource } from './lifecycle.js';

export interface FileSourceOptions extends StageOptions {
  readonly dicts: Dicts;
  readonly from: SourcePosition | null;
  /** Data directory whose catalogue labels tracks the files' own catalogue does not (optional). */
  readonly labelsFrom?: string;
  readonly batchRows?: number;
}

export function fileSourceId(inputs: readonly string[]): string {
  return `file:${inputs.map((p) => resolve(p)).join(',')}`;
}

/** Stages the files and opens the source; `staged` says what was read, rejected and dropped. */
export async function openFileSource(o: FileSourceOptions): Promise<StreamSource & { readonly staged: StagedFiles }> {
  if (o.from && o.from.kind !== 'file') throw new Error(`a file source cannot resume from a ${o.from.kind} position`);
  const db: Db = await openDb();
  const conn = db.conn;
  let staged: StagedFiles;
  const enc = await DuckDictionaries.create(conn, o.dicts).catch((e: unknown) => {
    db.close();
    throw e;
  });
  try {
    staged = await stageFiles(conn, o);
    await enc.encode(`SELECT user_id, track_key, track_name, artist_name FROM ${staged.listens}`);
    if (o.labelsFrom) {
      await conn.run(`CREATE SCHEMA IF NOT EXISTS lake`);
      await conn.run(`USE lake`);
      try {
        await attachLake(conn, dataPaths(o.labelsFrom));
      } finally {
        await conn.run(`USE memory.main`);
      }
      await enc.labels(`SELECT track_key, genre, mood FROM lake.tracks`);
    }
    await enc.labels(`SELECT track_key, genre, mood FROM ${staged.catalogue}`);
  } catch (err) {
    db.close();
    throw err;
  }
  const skip = o.from?.kind === 'file' ? o.from.row : 0;
  let row = skip;

  async function* run(stopped: () => boolean): AsyncGenerator<SourceBatch> {
    const res = await conn.stream(`
      SELECT eu.id, et.id, coalesce(ea.id, -1), CAST(epoch_ms(l.listened_at) AS DOUBLE), CAST(coalesce(l.ms_played, -1) AS INTEGER), ${ACTION_CODE_SQL('l.action')}
      FROM ${staged.listens} l ${enc.joins('l')}
      ORDER BY l._ord, l._k, l._rid OFFSET ${skip}`);
    const builder = new BatchBuilder(o.batchRows ?? 16_384);
    // What the files held beyond their listens is counted once, with the first batch of a fresh start.
    let extra = skip === 0 ? { rejected: staged.rejected, duplicates: staged.duplicates } : { rejected: 0, duplicates: 0 };
    const out = (): SourceBatch => {
      const listens = builder.take();
      row += listens.n;
      const b: SourceBatch = { listens, position: { kind: 'file', row }, rejected: extra.rejected, duplicates: extra.duplicates };
      extra = { rejected: 0, duplicates: 0 };
      return b;
    };
    while (!stopped()) {
      const chunk = await res.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      builder.addChunk(chunk);
      if (builder.full) yield out();
    }
    if (!stopped() && (builder.size > 0 || extra.rejected > 0 || extra.duplicates > 0)) yield out();
  }

  const release = async (): Promise<void> => {
    db.close();
    await staged.cleanup();
  };
  return pullSource(run, release, {
    id: fileSourceId(o.inputs),
    defaultSpeed: 'max' as const,
    staged,
    async ack() {},
    status: () => ({ lag: staged.rows - row }),
    problems: () => staged.problems,
  });
}
