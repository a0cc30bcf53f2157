// Health and metrics: GET /healthz (is the engine live, how much waits for the lake) and GET /metrics
// (Prometheus text: events in, accepted, rejected, late, lag, ingest totals, event-loop delay, request latencies).
import type { RoutePlugin } from '../context.js';
import { LoopDelay } from '../loop-delay.js';

export const metaRoutes: RoutePlugin = (app, ctx) => {
  const c = (k: string) => () => (Number.isNaN(ctx.live.counter(k)) ? 0 : ctx.live.counter(k));
  ctx.metrics.define('earshot_events_in_total', 'Listens the engine has read.', 'counter', c('events_in'));
  ctx.metrics.define('earshot_events_accepted_total', 'Listens the engine counted into its views.', 'counter', c('accepted'));
  ctx.metrics.define('earshot_events_rejected_total', 'Records that were not valid listens.', 'counter', c('rejected'));
  ctx.metrics.define('earshot_events_late_total', 'Listens later than the allowed lateness.', 'counter', c('late'));
  ctx.metrics.define('earshot_events_per_second', 'Engine throughput at its last flush.', 'gauge', c('events_per_second'));
  ctx.metrics.define('earshot_engine_lag_listens', 'Acknowledged listens the engine has not read yet.', 'gauge', () => ctx.ingest.seq - ctx.engineSeq());
  ctx.metrics.define('earshot_watermark_seconds', 'Engine watermark, Unix seconds.', 'gauge', () => ctx.live.counter('watermark_ms') / 1000);
  ctx.metrics.define('earshot_ingest_requests_total', 'Ingest requests taken.', 'counter', () => ctx.ingest.totals.requests);
  ctx.metrics.define('earshot_ingest_accepted_total', 'Listens acknowledged by the ingest endpoints.', 'counter', () => ctx.ingest.totals.accepted);
  ctx.metrics.define('earshot_ingest_duplicates_total', 'Listens the ingest endpoints found already stored.', 'counter', () => ctx.ingest.totals.duplicates);
  ctx.metrics.define('earshot_ingest_rejected_total', 'Records the ingest endpoints rejected.', 'counter', () => ctx.ingest.totals.rejected);
  ctx.metrics.define('earshot_ingest_commits_total', 'Group commits (synced writes to the ingest log).', 'counter', () => ctx.ingest.totals.commits);
  ctx.metrics.define('earshot_ingest_unloaded_listens', 'Acknowledged listens (in the ingest log) not yet loaded into pending, where reads and the engine see them.', 'gauge', () => ctx.ingest.seq - ctx.ingest.loadedSeq);
  ctx.metrics.define('earshot_ingest_unloadable_listens_total', 'Logged listens DuckDB refused to load into pending (lost; never expected).', 'counter', () => ctx.ingest.lost.listens);
  ctx.metrics.define('earshot_lake_flushed_total', 'Listens moved from the ingest log into Parquet.', 'counter', () => ctx.ingest.totals.flushed);
  ctx.metrics.define('earshot_sse_clients', 'Open GET /v1/live streams.', 'gauge', () => ctx.live.subscriberCount);
  const loop = new LoopDelay();
  app.addHook('onClose', async () => loop.stop());
  for (const q of ['p50', 'p99', 'max'] as const) {
    ctx.metrics.define(`earshot_event_loop_delay_${q}_seconds`, `Event-loop delay over the last minute, ${q === 'max' ? 'the longest' : `${q.slice(1)}th percentile`} (how long ready work, such as a request, waited for the loop).`, 'gauge', () => loop.figures()[q]);
  }

  app.get('/healthz', { schema: { tags: ['meta'], summary: 'Is the server up and the engine live', response: { 200: { type: 'object', additionalProperties: true } } } }, async () => ({
    status: 'ok',
    engine: ctx.live.failed ? `failed: ${ctx.live.failed}` : ctx.live.isLive ? 'live' : 'replaying the lake',
    ingest_seq: ctx.ingest.seq,
    loaded_seq: ctx.ingest.loadedSeq,
    engine_seq: ctx.engineSeq(),
    // Logged listens that cannot be loaded into `pending` (reads and the engine miss them until this clears).
    ...(ctx.ingest.loadError ? { ingest_load_error: ctx.ingest.loadError } : {}),
    ...(ctx.ingest.lost.listens > 0 ? { ingest_lost_listens: ctx.ingest.lost.listens, ingest_lost_reason: ctx.ingest.lost.reason } : {}),
  }));
  app.get('/metrics', { schema: { tags: ['meta'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
    void reply.type('text/plain; version=0.0.4');
    return ctx.metrics.render();
  });
};
