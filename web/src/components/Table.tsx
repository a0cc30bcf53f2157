// A sortable table: click or press Enter on a column header to sort by it (again to reverse). Numbers
// sort as numbers; cells may be rendered by the caller (links).
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';

export interface Column<R> {
  key: string;
  label: string;
  numeric?: boolean;
  render?: (row: R) => ComponentChildren;
  value?: (row: R) => unknown;
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function Table<R>({ columns, rows, caption, name, max = 500 }: { columns: Column<R>[]; rows: readonly R[]; caption?: string; name?: string; max?: number }) {
  const [sort, setSort] = useState<{ key: string; desc: boolean } | null>(null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    const get = (r: R) => (col?.value ? col.value(r) : (r as Record<string, unknown>)[sort.key]);
    return [...rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const c = x === y ? 0 : x === null || x === undefined ? 1 : y === null || y === undefined ? -1 : typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return sort.desc ? -c : c;
    });
  }, [rows, sort, columns]);
  const toggle = (key: string) => setSort((s) => (s?.key === key ? { key, desc: !s.desc } : { key, desc: columns.find((c) => c.key === key)?.numeric ?? false }));
  return (
    <div class="table-wrap" tabIndex={0} data-table={name}>
      <table>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                class={c.numeric ? 'num' : ''}
                scope="col"
                tabIndex={0}
                aria-sort={sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                onClick={() => toggle(c.key)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    toggle(c.key);
                  }
                }}
              >
                {c.label}
                <span aria-hidden="true">{sort?.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.slice(0, max).map((r, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c.key} class={c.numeric ? 'num' : ''}>
                  {c.render ? c.render(r) : fmt((r as Record<string, unknown>)[c.key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > max && <p class="note">Showing {max.toLocaleString('en-US')} of {rows.length.toLocaleString('en-US')} rows.</p>}
    </div>
  );
}
