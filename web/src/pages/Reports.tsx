// Reports: every report with its description, parameters and latest generation; the selected one as a
// sortable table with a CSV download and a chart where the shape suits one.
import { enc, withToken } from '../api.js';
import { asObjects, autoChart } from '../charts/auto.js';
import { Chart } from '../charts/Chart.js';
import { Card } from '../components/Card.js';
import { GetData, Load } from '../components/States.js';
import { Table } from '../components/Table.js';
import { int } from '../format.js';
import { useApi } from '../hooks.js';

interface ReportInfo {
  name: string;
  group: string;
  description: string;
  params: { name: string; default: unknown; description: string }[];
  columns: (string | { name: string })[];
  latest: { generation: number; published_at: string; rows: number } | null;
}
interface ReportData {
  name: string;
  generation: number;
  published_at: string;
  columns: (string | { name: string })[];
  rows: unknown[];
}

const colName = (c: string | { name: string }) => (typeof c === 'string' ? c : c.name);

function ReportView({ info }: { info: ReportInfo }) {
  const data = useApi<ReportData | null>(`/v1/reports/${enc(info.name)}`);
  if (data.loading || data.error) return <Load state={data}>{() => null}</Load>;
  const d = data.data;
  if (!d) return <p class="state empty">Not computed yet: run <code>earshot report run {info.name}</code> (or <code>npm run demo</code>).</p>;
  const columns = d.columns.length ? d.columns.map(colName) : Object.keys((d.rows[0] as object | undefined) ?? {});
  const rows = asObjects(columns, d.rows);
  const chart = autoChart(columns, rows);
  return (
    <>
      <p class="note">
        Generation {d.generation}, published {d.published_at}; {int(rows.length)} rows.{' '}
        <a href={withToken(`/v1/reports/${enc(info.name)}?format=csv`)} download={`${info.name}.csv`}>
          Download CSV
        </a>
      </p>
      {chart && <Chart name="report-chart" label={`${chart.value} by ${chart.label}`} height={Math.min(520, Math.max(220, rows.length * 22))} option={chart.option} />}
      <Table name="report" columns={columns.map((c) => ({ key: c, label: c, numeric: rows.some((r) => typeof r[c] === 'number') }))} rows={rows} />
    </>
  );
}

export function Reports({ selected }: { selected?: string }) {
  const list = useApi<ReportInfo[]>('/v1/reports');
  return (
    <div class="page" data-page="reports">
      <h1>Reports</h1>
      <Load state={list} what="reports">
        {(rs) => {
          if (!rs.length) return <GetData />;
          const groups = [...new Set(rs.map((r) => r.group))];
          const sel = rs.find((r) => r.name === selected);
          return (
            <div class="reports">
              <nav class="report-list" aria-label="Reports">
                {groups.map((g) => (
                  <div key={g}>
                    <h2>{g}</h2>
                    <ul>
                      {rs
                        .filter((r) => r.group === g)
                        .map((r) => (
                          <li key={r.name}>
                            <a href={`/reports/${enc(r.name)}`} aria-current={r.name === selected ? 'page' : undefined}>
                              {r.name}
                            </a>
                            <span class="muted">{r.latest ? ` · ${int(r.latest.rows)} rows` : ' · not run'}</span>
                          </li>
                        ))}
                    </ul>
                  </div>
                ))}
              </nav>
              <div class="report-body">
                {sel ? (
                  <Card title={sel.name} id="report" wide>
                    <p>{sel.description}</p>
                    {sel.params.length > 0 && (
                      <dl class="params">
                        {sel.params.map((p) => (
                          <div key={p.name}>
                            <dt>
                              <code>{p.name}</code> = {String(p.default ?? '—')}
                            </dt>
                            <dd>{p.description}</dd>
                          </div>
                        ))}
                      </dl>
                    )}
                    <ReportView key={sel.name} info={sel} />
                  </Card>
                ) : (
                  <p class="note">{selected ? `No report named ${selected}.` : 'Pick a report.'} Run them all with <code>earshot report run</code>.</p>
                )}
              </div>
            </div>
          );
        }}
      </Load>
    </div>
  );
}
