// Listens from any importable files, in file order, validated exactly as `earshot import` validates them:
// the import pipeline's own detection, readers and staging SQL (src/import/stage.ts) run into an
// in-memory DuckDB, without touching a lake. Rows that fail a rule are counted as rejected, repeats of a
// listen within the files (same user, start time and track: the listen_id) as duplicates; the first row of a
// listen wins, as in an import.
// Names missing from a listen come from the files' catalogue (as the import fills them), and the
// catalogue's genres and moods label the tracks.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { detectFormat, formatByName, FORMATS } from '../../formats/registry.js';
import { rawRelation } from '../../formats/readers.js';
import type { FormatOptions } from '../../formats/types.js';
import { expandInputs, readHead, type InputProblem } from '../../import/inputs.js';
import { sharedSource, stageSql } from '../../import/stage.js';
import { scalar } from '../../util/db.js';
import { errorMessage, UsageError } from '../../util/errors.js';

export interface StageOptions extends FormatOptions {
  readonly inputs: readonly string[];
  readonly format?: string;
  /** Skipped when walking folders (a data directory inside an input folder). */
  readonly dataDir?: string;
}

export interface StagedFiles {
  /** Temp table of the listens in file order (_ord, _k, _rid): user_id, listened_at, track_key, track_name, artist_name, ms_played, action. */
  readonly listens: string;
  /** Temp view of the files' catalogue (track_key, genre, mood), possibly empty. */
  readonly catalogue: string;
  readonly rows: number;
  readonly rejected: number;
  readonly duplicates: number;
  /** Files that could not be used, with why. */
  readonly problems: InputProblem[];
  cleanup(): Promise<void>;
}

export async function stageFiles(conn: DuckDBConnection, o: StageOptions): Promise<StagedFiles> {
  const forced = o.format ? formatByName(o.format) : undefined;
  if (o.format && !forced) throw new UsageError(`unknown format "${o.format}"`, { hint: `formats: ${FORMATS.map((f) => f.name).join(', ')}` });
  const tmp = join(tmpdir(), `earshot-stage-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  try {
    const { files, problems } = await expandInputs(o.inputs, tmp, o.dataDir ?? tmp);
    const listenStages: { name: string; ord: number; k: number }[] = [];
    const trackStages: string[] = [];
    let rejected = 0;
    for (const [i, file] of files.entries()) {
      try {
        if ((await stat(file.path)).size === 0) continue;
        const sample = { path: file.path, name: file.path.split('/').pop() ?? file.path, head: await readHead(file.path) };
        const format = forced ?? detectFormat(sample);
        if (!format) {
          if (!file.fromFolder) problems.push({ origin: file.origin, message: 'not a format earshot recognises' });
          continue;
        }
        const id = `s${i}`;
        const raw = await rawRelation(format.reader(sample, o), { path: file.path, head: sample.head, id, tmpDir: tmp });
        rejected += raw.preRejects.length;
        for (const s of raw.setup ?? []) await conn.run(s);
        const outputs = format.outputs(sample, o).filter((x) => x.table === 'listens' || x.table === 'tracks');
        const source = await sharedSource(raw, outputs, id, (sql) => conn.run(sql));
        for (const [k, out] of outputs.entries()) {
          const name = `stage_${id}_${k}`;
          await conn.run(stageSql(name, source, out));
          if (out.table === 'listens') listenStages.push({ name, ord: i, k });
          else trackStages.push(name);
        }
        if (raw.csvRejects) rejected += Number(await scalar(conn, `SELECT count(*) FROM ${raw.csvRejects.table}`).catch(() => 0));
      } catch (err) {
        problems.push({ origin: file.origin, message: `could not be read: ${errorMessage(err)}` });
      }
    }
    const col = (stage: string, have: Set<string>, c: string, type: string) => (have.has(c) ? `${stage}.${c}` : `NULL::${type}`);
    const columnsOf = async (t: string) => new Set((await conn.runAndReadAll(`DESCRIBE ${t}`)).getRows().map((r) => String(r[0])));
    const cat: string[] = [];
    for (const t of trackStages) {
      const have = await columnsOf(t);
      cat.push(`SELECT track_key, ${['genre', 'mood', 'title', 'artist_name'].map((c) => `${col(t, have, c, 'VARCHAR')} AS ${c}`).join(', ')} FROM ${t} WHERE _reason IS NULL`);
    }
    const catalogue = cat.length
      ? cat.join(' UNION ALL ')
      : `SELECT NULL::VARCHAR AS track_key, NULL::VARCHAR AS genre, NULL::VARCHAR AS mood, NULL::VARCHAR AS title, NULL::VARCHAR AS artist_name WHERE false`;
    await conn.run(`CREATE OR REPLACE TEMP VIEW stream_catalogue AS ${catalogue}`);
    if (listenStages.length === 0) {
      await conn.run(`CREATE OR REPLACE TEMP TABLE stream_input (user_id VARCHAR, listened_at TIMESTAMPTZ, track_key VARCHAR, track_name VARCHAR, artist_name VARCHAR, ms_played BIGINT, action VARCHAR, _ord INTEGER, _k INTEGER, _rid BIGINT)`);
      return { listens: 'stream_input', catalogue: 'stream_catalogue', rows: 0, rejected, duplicates: 0, problems, cleanup };
    }
    const parts: string[] = [];
    for (const s of listenStages) {
      const have = await columnsOf(s.name);
      parts.push(`SELECT user_id, listened_at, track_key, ${col(s.name, have, 'track_name', 'VARCHAR')} AS track_name, ${col(s.name, have, 'artist_name', 'VARCHAR')} AS artist_name,
        ${col(s.name, have, 'ms_played', 'BIGINT')} AS ms_played, ${col(s.name, have, 'action', 'VARCHAR')} AS action, _reason,
        ${s.ord} AS _ord, ${s.k} AS _k, rowid AS _rid FROM ${s.name}`);
    }
    await conn.run(`CREATE OR REPLACE TEMP VIEW stream_all AS ${parts.join(' UNION ALL ')}`);
    rejected += Number(await scalar(conn, `SELECT count(*) FROM stream_all WHERE _reason IS NOT NULL`));
    await conn.run(`CREATE OR REPLACE TEMP TABLE stream_input AS
      SELECT l.user_id, l.listened_at, l.track_key, coalesce(l.track_name, c.title) AS track_name, coalesce(l.artist_name, c.artist_name) AS artist_name,
             l.ms_played, l.action, l._ord, l._k, l._rid
      FROM (SELECT * FROM stream_all WHERE _reason IS NULL QUALIFY row_number() OVER (PARTITION BY user_id, listened_at, track_key ORDER BY _ord, _k, _rid) = 1) l
      LEFT JOIN (SELECT track_key, any_value(title) AS title, any_value(artist_name) AS artist_name FROM stream_catalogue GROUP BY track_key) c USING (track_key)`);
    const valid = Number(await scalar(conn, `SELECT count(*) FROM stream_all WHERE _reason IS NULL`));
    const rows = Number(await scalar(conn, `SELECT count(*) FROM stream_input`));
    return { listens: 'stream_input', catalogue: 'stream_catalogue', rows, rejected, duplicates: valid - rows, problems, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
