// Stages one group commit's request bodies with the importers' own SQL (src/formats, src/import/stage.ts):
// NDJSON bodies of the same format, mapping and user are concatenated into one file (one pass for many
// requests), JSON documents get a file each; every staged row keeps its file and line, so rejects and
// counts go back to the request they came from.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatByName, detectFormat } from '../../formats/registry.js';
import { rawRelation } from '../../formats/readers.js';
import type { Format, Sample } from '../../formats/types.js';
import { sharedSource, stageSql } from '../../import/stage.js';
import { lit } from '../../util/db.js';
import type { Prepared } from './prepare.js';

export interface Body {
  /** NDJSON lines (kind ndjson) or one JSON document. */
  readonly text: string;
  readonly kind: 'ndjson' | 'json';
  /** Lines of an NDJSON body. */
  readonly lines: number;
  readonly format: Format;
  /** User for shapes that name none (the token's user). */
  readonly user: string;
  /** When set, listens of any other user are rejected (a user writes only their own). */
  readonly onlyUser?: string;
  readonly source: string;
  readonly origin: string;
  /** The body's rows when src/serve/ingest/fast-stage.ts could read them, prepared (prepare.ts): then no SQL stages it. */
  readonly pre?: Prepared | null;
}

/** The format of a body, or a message saying why none fits. */
export function bodyFormat(text: string, kind: 'ndjson' | 'json', forced?: string): Format | string {
  if (forced) {
    const f = formatByName(forced);
    return f ?? `unknown format "${forced}"`;
  }
  const head = text.slice(0, 64 * 1024);
  const sample: Sample = { path: '', name: kind === 'ndjson' ? 'body.ndjson' : 'body.json', head };
  const f = detectFormat(sample);
  if (!f) return 'the body is not a listen shape earshot recognises (see `earshot formats`); pass ?format=NAME to force one';
  const outs = f.outputs(sample, {});
  if (!outs.some((o) => o.table === 'listens')) return `the body looks like ${f.name}, which holds no listens (import catalogues with earshot import)`;
  return f;
}

/**
 * Stages `bodies` (indexes are item numbers) into temp table `out` with columns _item, _line (line or
 * record within the item, 1-based), the listens columns the formats gave, _field, _reason, _got, _raw.
 * Returns the table's column names.
 */
export async function stageGroup(conn: DuckDBConnection, bodies: readonly Body[], tmpDir: string, gid: string, out: string): Promise<ReadonlySet<string>> {
  // Files: one per (format, its mapping, user, source, origin) for NDJSON, one per JSON body.
  interface FileGroup { items: number[]; body: Body; }
  const files: FileGroup[] = [];
  const byKey = new Map<string, FileGroup>();
  bodies.forEach((b, i) => {
    if (b.kind === 'json') {
      files.push({ items: [i], body: b });
      return;
    }
    // Bodies share a file only when the format maps them alike (a mapping can depend on a body's first records).
    const sample: Sample = { path: '', name: 'body.ndjson', head: b.text.slice(0, 64 * 1024) };
    let mapping: string;
    try {
      mapping = JSON.stringify(b.format.outputs(sample, { user: b.user }));
    } catch {
      mapping = `item ${i}`; // the format will say what is wrong when this body is staged alone
    }
    const key = `${b.format.name}\u0000${b.user}\u0000${b.source}\u0000${b.origin}\u0000${mapping}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { items: [], body: b }));
    g.items.push(i);
  });
  files.push(...byKey.values());

  const parts: string[] = [];
  const ranges: string[] = [];
  for (const [k, g] of files.entries()) {
    const b = g.body;
    const path = join(tmpDir, `${gid}-${k}.${b.kind === 'json' ? 'json' : 'ndjson'}`);
    let lo = 1;
    const texts: string[] = [];
    for (const i of g.items) {
      const t = bodies[i]!.text;
      texts.push(t.endsWith('\n') ? t : t + '\n');
      ranges.push(`(${k}, ${lo}, ${i})`);
      lo += bodies[i]!.lines;
    }
    await writeFile(path, texts.join(''));
    const sample: Sample = { path, name: path.split('/').pop()!, head: texts[0]!.slice(0, 64 * 1024) };
    const opts = { user: b.user };
    const id = `${gid}_${k}`;
    const raw = await rawRelation(b.format.reader(sample, opts), { path, head: sample.head, id, tmpDir });
    for (const stmt of raw.setup ?? []) await conn.run(stmt);
    const outputs = b.format.outputs(sample, opts).filter((o) => o.table === 'listens');
    const source = await sharedSource(raw, outputs, id, (sql) => conn.run(sql));
    for (const [j, o] of outputs.entries()) {
      const stage = `stage_${id}_${j}`;
      await conn.run(stageSql(stage, source, o));
      const line = source.lineOffset === undefined ? '_line' : `rowid + ${source.lineOffset}`;
      parts.push(`SELECT ${k} AS _f, ${line} AS _ln, ${lit(b.source)} AS source, ${lit(b.origin)} AS origin, * EXCLUDE (${source.lineOffset === undefined ? '_line, ' : ''}_dup) FROM ${stage}`);
    }
    // Lines the reader itself could not take (JSON that does not parse) count against their item too.
    for (const p of raw.preRejects) {
      parts.push(`SELECT ${k} AS _f, ${p.index} AS _ln, ${lit(b.source)} AS source, ${lit(b.origin)} AS origin, '(record)' AS _field, ${lit(p.reason)} AS _reason, NULL::VARCHAR AS _got, ${lit((p.raw ?? '').slice(0, 2000))} AS _raw`);
    }
  }
  await conn.run(`CREATE OR REPLACE TEMP TABLE ranges_${gid} (f INTEGER, lo BIGINT, item INTEGER)`);
  if (ranges.length) await conn.run(`INSERT INTO ranges_${gid} VALUES ${ranges.join(', ')}`);
  const union = parts.length ? parts.join(' UNION ALL BY NAME ') : `SELECT NULL::INTEGER AS _f, NULL::BIGINT AS _ln, NULL::VARCHAR AS _reason WHERE false`;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${out} AS SELECT r.item AS _item, s._ln - r.lo + 1 AS _line, s.* EXCLUDE (_f, _ln) FROM (${union}) s ASOF JOIN ranges_${gid} r ON s._f = r.f AND s._ln >= r.lo`,
  );
  await conn.run(`DROP TABLE ranges_${gid}`);
  const cols = new Set((await conn.runAndReadAll(`DESCRIBE ${out}`)).getRows().map((r) => String(r[0])));
  // A user token writes only its user's listens: one statement for every body that has such a token.
  const own = bodies.flatMap((b, i) => (b.onlyUser === undefined ? [] : [`(${i}, ${lit(b.onlyUser)})`]));
  if (own.length > 0) {
    const who = cols.has('user_id') ? 's.user_id' : 'NULL';
    await conn.run(
      `UPDATE ${out} s SET _field = 'user_id', _reason = 'expected your own user (' || o.u || '): a token writes only its user''s listens', _got = ${who}
       FROM (VALUES ${own.join(', ')}) o(item, u)
       WHERE s._item = o.item AND s._reason IS NULL AND ${who} IS DISTINCT FROM o.u`,
    );
  }
  return cols;
}
