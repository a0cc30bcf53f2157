// Pipeline (admin): is data flowing? Live counters and event rate from the stream, ingest backlog,
// watermark and engine lag, checkpoint age, rejects by reason (downloadable), late listens, imports.
import { withToken } from '../api.js';
import { Chart } from '../charts/Chart.js';
import { barsOption, linesOption } from '../charts/options.js';
import { Card, Stat } from '../components/Card.js';
import { Load } from '../components/States.js';
import { Table } from '../components/Table.js';
import { ago, dec, int, isoTime } from '../format.js';
import { useApi, useLive } from '../hooks.js';
import { OKABE_ITO } from '../palette.js';

interface Pipeline {
  pending: { listens: number; oldest_ingested_at: string | null };
  checkpoint: { path: string; age_seconds: number | null; written_at: string | null };
  gauges: Record<string, number | null>;
  rejects: { total: number; by_reason: { reason: string; field: string | null; rejects: number }[] };
  ingest_per_minute: { minute: string; listens: number }[];
  imports: { import_id: string; at: string | null; seconds: number | null; read: number; accepted: number; duplicates: number; rejected: number }[];
}

export function Pipeline() {
  const p = useApi<Pipeline>('/v1/pipeline', 5_000);
  const { state } = useLive(true);
  const c = state?.counters;
  const lagMs = c?.watermark_ms ? Date.now() - c.watermark_ms : null;
  return (
    <div class="page" data-page="pipeline">
      <h1>Pipeline</h1>
      <div class="stats">
        <Stat label="events / s" value={c ? dec(c.events_per_second, 1) : '…'} />
        <Stat label="accepted" value={c ? int(c.accepted) : '…'} />
        <Stat label="rejected (live)" value={c ? int(c.rejected) : '…'} />
        <Stat label="late listens" value={c ? int(c.late) : '…'} testid="late" />
        <Stat label="watermark" value={c ? isoTime(c.watermark_ms) : '…'} hint={lagMs !== null ? `${ago(lagMs / 1000).replace(' ago', '')} behind now` : undefined} />
      </div>
      <Load state={p} what="pipeline health">
        {(x) => (
          <>
            <div class="stats">
              <Stat label="waiting to flush" value={int(x.pending.listens)} hint={x.pending.oldest_ingested_at ? `oldest ${x.pending.oldest_ingested_at}` : 'none'} />
              <Stat label="checkpoint" value={x.checkpoint.age_seconds === null ? 'none' : ago(x.checkpoint.age_seconds)} hint={x.checkpoint.age_seconds === null ? 'earshot stream writes one' : undefined} />
              <Stat label="rejects in the lake" value={int(x.rejects.total)} />
            </div>
            <div class="grid">
              <Card title="Listens stored per minute (last hour)" id="ingest">
                {x.ingest_per_minute.length ? (
                  <Chart name="ingest-rate" label="Listens stored per minute over the last hour" height={220} option={linesOption(x.ingest_per_minute.map((m) => m.minute.slice(11, 16)), [{ name: 'listens', data: x.ingest_per_minute.map((m) => m.listens), area: true }])} />
                ) : (
                  <p class="note">Nothing stored in the last hour.</p>
                )}
              </Card>
              <Card title="Rejects by reason" id="rejects">
                {x.rejects.by_reason.length ? (
                  <>
                    <Chart name="rejects" label="Rejected records by reason" height={Math.max(180, x.rejects.by_reason.length * 24)} option={barsOption(x.rejects.by_reason.map((r) => ({ label: `${r.field ?? '—'}: ${r.reason}`, value: r.rejects })), { valueName: 'rejects', color: OKABE_ITO[5] })} />
                    <p class="note">
                      Download: <a href={withToken('/v1/rejects?format=ndjson')} download="rejects.ndjson">NDJSON</a> · <a href={withToken('/v1/rejects?format=csv')} download="rejects.csv">CSV</a>
                    </p>
                  </>
                ) : (
                  <p class="note">No rejects.</p>
                )}
              </Card>
              <Card title="Server gauges" id="gauges">
                <Table name="gauges" columns={[{ key: 'name', label: 'Gauge' }, { key: 'value', label: 'Value', numeric: true }]} rows={Object.entries(x.gauges).map(([name, value]) => ({ name, value }))} />
              </Card>
              <Card title="Imports" id="imports" wide>
                {x.imports.length ? (
                  <Table
                    name="imports"
                    columns={[
                      { key: 'at', label: 'When' },
                      { key: 'import_id', label: 'Import' },
                      { key: 'read', label: 'Read', numeric: true },
                      { key: 'accepted', label: 'Accepted', numeric: true },
                      { key: 'duplicates', label: 'Duplicates', numeric: true },
                      { key: 'rejected', label: 'Rejected', numeric: true },
                      { key: 'seconds', label: 'Seconds', numeric: true },
                    ]}
                    rows={x.imports}
                  />
                ) : (
                  <p class="note">
                    No imports yet: <code>earshot import PATH</code>.
                  </p>
                )}
              </Card>
            </div>
          </>
        )}
      </Load>
    </div>
  );
}
