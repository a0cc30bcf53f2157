// GET /metrics in Prometheus text format: the engine's counters (events in, accepted, rejected, late),
// ingest and engine lag, and request latencies per route as a histogram.
const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000];

export class Metrics {
  private routes = new Map<string, { counts: number[]; sum: number; n: number; byStatus: Map<number, number> }>();
  /** Gauges and counters set by their owners (engine, ingest), by metric name. */
  readonly values = new Map<string, { help: string; type: 'counter' | 'gauge'; value: () => number }>();

  observe(route: string, status: number, ms: number): void {
    let r = this.routes.get(route);
    if (!r) {
      r = { counts: new Array<number>(BUCKETS_MS.length).fill(0), sum: 0, n: 0, byStatus: new Map() };
      this.routes.set(route, r);
    }
    for (let i = 0; i < BUCKETS_MS.length; i++) if (ms <= BUCKETS_MS[i]!) r.counts[i]!++;
    r.sum += ms;
    r.n++;
    r.byStatus.set(status, (r.byStatus.get(status) ?? 0) + 1);
  }

  define(name: string, help: string, type: 'counter' | 'gauge', value: () => number): void {
    this.values.set(name, { help, type, value });
  }

  render(): string {
    const out: string[] = [];
    for (const [name, m] of this.values) {
      const v = m.value();
      out.push(`# HELP ${name} ${m.help}`, `# TYPE ${name} ${m.type}`, `${name} ${Number.isFinite(v) ? v : 'NaN'}`);
    }
    out.push('# HELP earshot_http_request_duration_seconds Request latency by route.', '# TYPE earshot_http_request_duration_seconds histogram');
    const esc = (s: string) => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
    for (const [route, r] of this.routes) {
      BUCKETS_MS.forEach((b, i) => out.push(`earshot_http_request_duration_seconds_bucket{route="${esc(route)}",le="${b / 1000}"} ${r.counts[i]}`));
      out.push(`earshot_http_request_duration_seconds_bucket{route="${esc(route)}",le="+Inf"} ${r.n}`);
      out.push(`earshot_http_request_duration_seconds_sum{route="${esc(route)}"} ${r.sum / 1000}`);
      out.push(`earshot_http_request_duration_seconds_count{route="${esc(route)}"} ${r.n}`);
    }
    out.push('# HELP earshot_http_requests_total Requests by route and status.', '# TYPE earshot_http_requests_total counter');
    for (const [route, r] of this.routes) for (const [s, n] of r.byStatus) out.push(`earshot_http_requests_total{route="${esc(route)}",status="${s}"} ${n}`);
    return out.join('\n') + '\n';
  }
}
