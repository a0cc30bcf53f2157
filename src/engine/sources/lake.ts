// Replay of the lake: listens in event-time order, groups of month partitions at a time, read in DuckDB
// chunks straight into typed arrays. Ties in listened_at are ordered by user and track id (a listen is
// unique by user, time and track, so this is a total order, and integer keys sort much faster than
// listen_id strings). The position is the last (listened_at, user id, track id) handed out, so a resume
// continues after it even if other days were imported meanwhile.
// Without --until-idle the source then tails the lake, looking for newer listens every few seconds;
// listens imported later with an older time than the position are not replayed (they are in the lake
// and in the next report run; `earshot stream --fresh` recomputes the views with them).
import { stat } from 'node:fs/promises';
import { listenPartitions } from '../../lake/layout.js';
import { attachLake } from '../../lake/views.js';
import { dataPaths } from '../../lake/paths.js';
import { lit, openDb } from '../../util/db.js';
import type { Dicts } from '../dict.js';
import type { SourceBatch, SourcePosition, StreamSource } from '../types.js';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { ACTION_CODE_SQL, BatchBuilder } from './duck.js';
import { DuckDictionaries } from './encode.js';
import { pullSource } from './lifecycle.js';

export interface LakeSourceOptions {
  readonly dataDir: string;
  readonly dicts: Dicts;
  readonly from: SourcePosition | null;
  /** Stop at the end of the lake instead of tailing it. */
  readonly untilIdle: boolean;
  readonly pollMs?: number;
  readonly batchRows?: number;
  /** Leave out listens whose origin is LIKE this pattern (the server's own, which it feeds itself). */
  readonly excludeOrigin?: string;
}

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The lake's listens files from the month of `from` (YYYY-MM-DD, or '' for all) on, grouped so each
 * query reads about GROUP_BYTES of Parquet (one query per partition costs too much for a long history).
 * A month's files always share a group: a lake not yet compacted can hold a month folder and day folders
 * of the same month (src/lake/layout.ts), and each group is sorted on its own.
 */
const GROUP_BYTES = 256 * 1024 * 1024;

async function fileGroups(dir: string, from: string): Promise<{ files: string[] }[]> {
  const months = new Map<string, string[]>();
  for (const p of listenPartitions(dir)) {
    if (p.kind === 'month' ? p.month < from.slice(0, 7) : p.first < from) continue;
    months.set(p.month, [...(months.get(p.month) ?? []), ...p.files]);
  }
  const groups: { files: string[] }[] = [];
  let cur: { files: string[] } | null = null;
  let bytes = 0;
  for (const files of months.values()) {
    let size = 0;
    for (const f of files) size += (await stat(f)).size;
    if (!cur || bytes + size > GROUP_BYTES) {
      cur = { files: [] };
      groups.push(cur);
      bytes = 0;
    }
    cur.files.push(...files);
    bytes += size;
  }
  return groups;
}

const NEEDED = ['user_id', 'track_key', 'artist_name', 'listened_at', 'ms_played', 'action'];

export async function openLakeSource(o: LakeSourceOptions): Promise<StreamSource> {
  if (o.from && o.from.kind !== 'lake') throw new Error(`a lake source cannot resume from a ${o.from.kind} position`);
  const paths = dataPaths(o.dataDir);
  const db = await openDb();
  const conn = db.conn;
  let pos = o.from as Extract<SourcePosition, { kind: 'lake' }> | null;
  const enc = await DuckDictionaries.create(conn, o.dicts);
  const skip = o.excludeOrigin ? (col: string) => `(${col} IS NULL OR ${col} NOT LIKE ${lit(o.excludeOrigin!)})` : null;

  async function refresh(): Promise<void> {
    await attachLake(conn, paths);
    await enc.encode(`SELECT user_id, track_key, track_name, artist_name FROM listens${skip ? ` WHERE ${skip('origin')}` : ''}`);
    await enc.labels(`SELECT track_key, genre, mood FROM tracks`);
  }

  /** Runs a group's query and fetches its first chunk: the sort happens here, so starting it early overlaps it with the engine. */
  async function start(c: DuckDBConnection, g: { files: string[] }, after: string): Promise<{ res: DuckDBResult; first: DuckDBDataChunk | null }> {
    // Every lake file carries the table's full set of columns (src/import/commit.ts), so no schema merge.
    const rel = `read_parquet([${g.files.map(lit).join(', ')}])`;
    const res = await c.stream(`
      SELECT eu.id, et.id, coalesce(ea.id, -1), CAST(epoch_ms(l.listened_at) AS DOUBLE) AS ts, CAST(coalesce(l.ms_played, -1) AS INTEGER), ${ACTION_CODE_SQL('l.action')}
      FROM (SELECT ${NEEDED.join(', ')}${skip ? ', origin' : ''} FROM ${rel}) l ${enc.joins('l')}
      ${skip ? (after ? `${after} AND ${skip('l.origin')}` : `WHERE ${skip('l.origin')}`) : after}
      ORDER BY ts, eu.id, et.id`);
    return { res, first: await res.fetchChunk() };
  }

  async function* run(stopped: () => boolean): AsyncGenerator<SourceBatch> {
    const conns = [conn, await db.instance.connect()];
    try {
      await refresh();
      const builder = new BatchBuilder(o.batchRows ?? 16_384);
      let last = { ts: 0, user: 0, track: 0 };
      for (;;) {
        const from = pos ? new Date(Math.floor(pos.ts / DAY) * DAY).toISOString().slice(0, 10) : '';
        const after = pos
          ? `WHERE (epoch_ms(l.listened_at) > ${pos.ts} OR (epoch_ms(l.listened_at) = ${pos.ts} AND (eu.id > ${pos.user} OR (eu.id = ${pos.user} AND et.id > ${pos.track}))))`
          : '';
        const groups = await fileGroups(paths.table('listens'), from);
        // Two connections: the next group's query runs while this one's rows go through the engine.
        let next = groups.length > 0 ? start(conns[0]!, groups[0]!, after) : null;
        for (let gi = 0; gi < groups.length && next; gi++) {
          const cur = await next;
          next = gi + 1 < groups.length ? start(conns[(gi + 1) % 2]!, groups[gi + 1]!, after) : null;
          let chunk = cur.first;
          while (chunk && chunk.rowCount > 0) {
            builder.addChunk(chunk);
            const r = chunk.rowCount - 1;
            last = { ts: Number(chunk.getColumnVector(3).getItem(r)), user: Number(chunk.getColumnVector(0).getItem(r)), track: Number(chunk.getColumnVector(1).getItem(r)) };
            if (builder.full) {
              pos = { kind: 'lake', ...last };
              yield { listens: builder.take(), position: pos, rejected: 0 };
              if (stopped()) {
                await next?.catch(() => undefined);
                return;
              }
            }
            chunk = await cur.res.fetchChunk();
          }
        }
        if (builder.size > 0) {
          pos = { kind: 'lake', ...last };
          yield { listens: builder.take(), position: pos, rejected: 0 };
        }
        if (o.untilIdle || stopped()) return;
        await sleep(o.pollMs ?? 5000);
        if (stopped()) return;
        await refresh();
      }
    } finally {
      conns[1]!.closeSync();
    }
  }

  return pullSource(run, () => db.close(), { id: 'lake', defaultSpeed: 'max' as const, async ack() {}, status: () => ({ lag: null }) });
}
