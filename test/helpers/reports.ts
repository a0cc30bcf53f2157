// Test helpers for reports: run reports over a lake and read back what the store holds, and a small
// CSV reader (RFC 4180 quoting) so expected values are computed from the raw files, not by earshot.
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runReports, type RunOptions, type RunSummary } from '../../src/reports/runner.js';
import { openStore } from '../../src/store/index.js';

export type Rows = Record<string, unknown>[];

/** Runs reports and returns the run summary plus each successful report's stored rows. */
export async function runAndRead(opts: RunOptions): Promise<{ summary: RunSummary; rows: Record<string, Rows> }> {
  const summary = await runReports(opts);
  const store = await openStore(opts.dataDir, { readOnly: true });
  const rows: Record<string, Rows> = {};
  try {
    for (const o of summary.outcomes) {
      if (!o.ok) continue;
      const r = await store.read(o.report, { generation: summary.generation });
      if (!r) throw new Error(`report ${o.report} is not in generation ${summary.generation}`);
      rows[o.report] = r.data;
    }
  } finally {
    await store.close();
  }
  return { summary, rows };
}

/** Rows as arrays of values in the given column order, for compact expectations. */
export function tuples(rows: Rows, columns: readonly string[]): unknown[][] {
  return rows.map((r) => columns.map((c) => r[c]));
}

/** Writes files into a folder (created), returning their paths. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const out: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text);
    out.push(join(dir, name));
  }
  return out;
}

/** Parses CSV text with a header into objects of strings (quotes, doubled quotes, commas and newlines in quotes). */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const [header, ...body] = records;
  return body.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

export const readCsv = (path: string): Record<string, string>[] => parseCsv(readFileSync(path, 'utf8'));
