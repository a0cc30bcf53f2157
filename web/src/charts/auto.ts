// Picks a chart for a result table when its shape suits one: a time-like first column with numbers →
// lines; a text column with a number column → bars of the top 25. Otherwise none (the table is enough).
import type { EChartsOption } from './echarts.js';
import { barsOption, linesOption } from './options.js';

export type Row = Record<string, unknown>;

const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const TIME = /^(day|date|dt|week|month|hour|minute|time|window_start|window_end|listened_at|at)$/i;

export function autoChart(columns: readonly string[], rows: readonly Row[], pick?: { label?: string; value?: string }): { option: EChartsOption; label: string; value: string } | null {
  if (!rows.length || columns.length < 2) return null;
  const numeric = columns.filter((c) => rows.every((r) => r[c] === null || r[c] === undefined || isNum(r[c])) && rows.some((r) => isNum(r[c])));
  const text = columns.filter((c) => !numeric.includes(c));
  const value = pick?.value && numeric.includes(pick.value) ? pick.value : numeric.find((c) => !TIME.test(c) && c !== 'rank') ?? numeric[0];
  const label = pick?.label && columns.includes(pick.label) ? pick.label : columns.find((c) => TIME.test(c)) ?? text[0] ?? (numeric.length > 1 ? numeric[0] : undefined);
  if (!value || !label || label === value) return null;
  if (TIME.test(label)) {
    const sorted = [...rows].sort((a, b) => String(a[label]).localeCompare(String(b[label]), 'en', { numeric: true }));
    return { option: linesOption(sorted.map((r) => String(r[label])), [{ name: value, data: sorted.map((r) => Number(r[value] ?? 0)), area: true }], { zoom: rows.length > 60 }), label, value };
  }
  const top = [...rows].sort((a, b) => Number(b[value] ?? 0) - Number(a[value] ?? 0)).slice(0, 25);
  return { option: barsOption(top.map((r) => ({ label: String(r[label] ?? '∅'), value: Number(r[value] ?? 0) })), { valueName: value }), label, value };
}

/** Rows as objects, whether the API sent objects or arrays in column order. */
export function asObjects(columns: readonly string[], rows: readonly unknown[]): Row[] {
  return rows.map((r) => (Array.isArray(r) ? Object.fromEntries(columns.map((c, i) => [c, r[i]])) : (r as Row)));
}
