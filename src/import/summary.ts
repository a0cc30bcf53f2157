// The import summary: per file and in total, what was read, accepted, duplicated (and where) and
// rejected (and why), with time and rate. Printed for people, or as JSON with --json.
import type { TableName } from '../model/schema.js';

export interface FileOutcome {
  origin: string;
  format: string | null;
  skipped?: string;
  error?: string;
  /** Rejects found before staging: unparsable JSON records, malformed CSV lines. */
  extraRejects: number;
}

export interface Counts {
  read: number;
  accepted: number;
  duplicates: number;
  duplicatesInImport: number;
  duplicatesInLake: number;
  rejected: number;
}

export interface FileSummary extends Counts {
  file: string;
  format: string | null;
  tables: Partial<Record<TableName, Counts>>;
  skipped?: string;
  error?: string;
}

export interface ImportSummary {
  importId: string;
  dataDir: string;
  files: FileSummary[];
  totals: Counts;
  written: Partial<Record<TableName, number>>;
  rejectedByReason: { file: string; field: string; reason: string; count: number }[];
  rejectsFile: string | null;
  seconds: number;
  recordsPerSecond: number;
}

const zero = (): Counts => ({ read: 0, accepted: 0, duplicates: 0, duplicatesInImport: 0, duplicatesInLake: 0, rejected: 0 });

function add(a: Counts, b: Counts): void {
  a.read += b.read;
  a.accepted += b.accepted;
  a.duplicates += b.duplicates;
  a.duplicatesInImport += b.duplicatesInImport;
  a.duplicatesInLake += b.duplicatesInLake;
  a.rejected += b.rejected;
}

export function buildSummary(input: {
  importId: string;
  outcomes: FileOutcome[];
  byFileTable: Map<string, Map<TableName, Omit<Counts, 'duplicates'>>>;
  tables: { table: TableName; written: number }[];
  reasons: { file: string; field: string; reason: string; count: number }[];
  rejectsFile: string | null;
  seconds: number;
  dataDir: string;
}): ImportSummary {
  const totals = zero();
  const files: FileSummary[] = input.outcomes.map((o) => {
    const f: FileSummary = { file: o.origin, format: o.format, tables: {}, ...zero() };
    if (o.skipped) f.skipped = o.skipped;
    if (o.error) f.error = o.error;
    for (const [t, c] of input.byFileTable.get(o.origin) ?? []) {
      const counts = { ...c, duplicates: c.duplicatesInImport + c.duplicatesInLake };
      f.tables[t] = counts;
      add(f, counts);
    }
    f.read += o.extraRejects;
    f.rejected += o.extraRejects;
    add(totals, f);
    return f;
  });
  return {
    importId: input.importId,
    dataDir: input.dataDir,
    files,
    totals,
    written: Object.fromEntries(input.tables.map((t) => [t.table, t.written])),
    rejectedByReason: input.reasons,
    rejectsFile: input.rejectsFile,
    seconds: Number(input.seconds.toFixed(3)),
    recordsPerSecond: Math.round(totals.read / Math.max(input.seconds, 1e-6)),
  };
}

const n = (x: number): string => x.toLocaleString('en-US');

/** The summary as a person reads it. */
export function formatSummary(s: ImportSummary): string {
  const lines: string[] = [];
  for (const f of s.files) {
    if (f.error) lines.push(`  ✗ ${f.file}: ${f.error}`);
    else if (f.skipped) lines.push(`  - ${f.file}: skipped (${f.skipped})`);
    else {
      const parts = Object.entries(f.tables).map(([t, c]) => `${n(c.accepted)} ${t}`);
      lines.push(
        `  ✓ ${f.file} [${f.format}]: read ${n(f.read)}, accepted ${parts.join(' + ') || 0}, duplicates ${n(f.duplicates)}` +
          (f.duplicates ? ` (${n(f.duplicatesInImport)} in this import, ${n(f.duplicatesInLake)} already in the lake)` : '') +
          `, rejected ${n(f.rejected)}`,
      );
    }
  }
  const t = s.totals;
  lines.push('');
  lines.push(`read ${n(t.read)} · accepted ${n(t.accepted)} · duplicates ${n(t.duplicates)} · rejected ${n(t.rejected)}`);
  lines.push(`${s.seconds.toFixed(2)} s · ${n(s.recordsPerSecond)} records/s · data: ${s.dataDir}`);
  if (s.rejectedByReason.length > 0) {
    lines.push('rejected by reason:');
    for (const r of s.rejectedByReason.slice(0, 15)) lines.push(`  ${n(r.count).padStart(8)}  ${r.file} · ${r.field}: ${r.reason}`);
    if (s.rejectedByReason.length > 15) lines.push(`  … ${s.rejectedByReason.length - 15} more reasons`);
    lines.push(`rejects written to ${s.rejectsFile}`);
  }
  return lines.join('\n');
}
