// How commands print rows: an aligned table for people, CSV or JSON for scripts.
export type OutputFormat = 'table' | 'csv' | 'json';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function csvCell(v: unknown): string {
  const s = cell(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function renderRows(rows: readonly Record<string, unknown>[], columns: readonly string[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  if (format === 'csv') return [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n');
  // Widths by loop: Math.max(...rows) overflows the stack past ~120k rows.
  const widths = columns.map((c) => {
    let w = c.length;
    for (const r of rows) w = Math.max(w, cell(r[c]).length);
    return Math.min(60, w);
  });
  const fit = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w));
  const line = (vals: string[]) => vals.map((v, i) => fit(v, widths[i]!)).join('  ').trimEnd();
  return [line([...columns]), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}
