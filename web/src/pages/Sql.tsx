// SQL console (admin): read-only DuckDB SQL over the lake; the result as a table and, where the shape
// suits, a chart (label and value columns can be picked); a query can be saved as a report.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { asObjects, autoChart } from '../charts/auto.js';
import { Chart } from '../charts/Chart.js';
import { Card } from '../components/Card.js';
import { Table } from '../components/Table.js';
import { int } from '../format.js';

interface Result {
  columns: string[];
  types: string[];
  rows: unknown[][];
  truncated: boolean;
  ms: number;
}

const EXAMPLE = `SELECT t.genre, count(*) AS plays
FROM listens l JOIN tracks t USING (track_key)
GROUP BY 1 ORDER BY plays DESC`;

export function SqlConsole() {
  const [sql, setSql] = useState(EXAMPLE);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pick, setPick] = useState<{ label?: string; value?: string }>({});
  const [save, setSave] = useState({ name: '', description: '' });
  const [saved, setSaved] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const r = await api<Result>('/v1/sql', { method: 'POST', body: { sql } });
      setResult(r);
      setPick({});
    } catch (e) {
      setResult(null);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const saveReport = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<{ name: string; file: string }>('/v1/reports/saved', { method: 'POST', body: { name: save.name, sql, description: save.description } });
      setSaved(`Saved as ${r.name} (${r.file}). Run it with earshot report run ${r.name}.`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const rows = useMemo(() => (result ? asObjects(result.columns, result.rows) : []), [result]);
  const chart = useMemo(() => (result ? autoChart(result.columns, rows, pick) : null), [result, rows, pick]);

  return (
    <div class="page" data-page="sql">
      <h1>SQL console</h1>
      <p class="note">
        Read-only DuckDB SQL over the lake: <code>listens</code>, <code>tracks</code>, <code>rejects</code>, <code>imports</code>… One statement; at most 10,000 rows. Ctrl+Enter runs.
      </p>
      <form
        class="sql-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label for="sql">Query</label>
        <textarea
          id="sql"
          rows={6}
          spellcheck={false}
          value={sql}
          onInput={(e) => setSql((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void run();
            }
          }}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Running…' : 'Run'}
        </button>
      </form>
      {error && (
        <p class="state error" role="alert" data-testid="sql-error">
          {error}
        </p>
      )}
      {result && (
        <>
          <p class="note" data-testid="sql-summary">
            {int(result.rows.length)} rows{result.truncated ? ' (cut at the row cap)' : ''} in {result.ms} ms.
          </p>
          {chart && (
            <Card title="Chart" id="chart" wide>
              <div class="controls">
                <label>
                  Label{' '}
                  <select value={chart.label} onChange={(e) => setPick({ ...pick, label: (e.target as HTMLSelectElement).value })}>
                    {result.columns.map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                </label>
                <label>
                  Value{' '}
                  <select value={chart.value} onChange={(e) => setPick({ ...pick, value: (e.target as HTMLSelectElement).value })}>
                    {result.columns.map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                </label>
              </div>
              <Chart name="sql-chart" label={`${chart.value} by ${chart.label}`} height={Math.min(520, Math.max(220, rows.length * 22))} option={chart.option} />
            </Card>
          )}
          <Table name="sql-result" columns={result.columns.map((c, i) => ({ key: c, label: c, numeric: /INT|DOUBLE|DECIMAL|FLOAT|HUGEINT/.test(result.types[i] ?? '') }))} rows={rows} />
          <form class="controls save" onSubmit={saveReport} aria-label="Save as a report">
            <label>
              Report name <input required pattern="[a-z][a-z0-9_]*" value={save.name} onInput={(e) => setSave({ ...save, name: (e.target as HTMLInputElement).value })} placeholder="plays_by_genre" />
            </label>
            <label>
              Description <input value={save.description} onInput={(e) => setSave({ ...save, description: (e.target as HTMLInputElement).value })} size={30} />
            </label>
            <button type="submit">Save as report</button>
          </form>
          {saved && (
            <p class="state ok" role="status">
              {saved}
            </p>
          )}
        </>
      )}
    </div>
  );
}
