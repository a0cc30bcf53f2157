// Pipeline health for the dashboard (admin): what the ingest path holds, the engine's checkpoint age,
// the server's gauges (ingest and engine lag, watermark), rejects by reason, listens stored per minute
// over the last hour, the import history; and the rejects themselves as NDJSON or CSV.
import { existsSync, statSync } from 'node:fs';
import type { RoutePlugin } from '../../context.js';
import { requireAdmin } from '../../auth.js';
import { dataPaths } from '../../../lake/paths.js';
import { checkpointPath } from '../../../engine/checkpoint.js';
import { renderRows } from '../../../cli/output.js';
import { N, NN, NS, S, num, rowsOf } from './range.js';
import { PENDING_ROWS } from '../../ingest/pending.js';

const REJECT_COLUMNS = ['import_id', 'file', 'loc_kind', 'loc', 'field', 'reason', 'got', 'raw'] as const;
export const REJECTS_DOWNLOAD_CAP = 100_000;

export const pipelineRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    '/v1/pipeline',
    {
      schema: {
        summary: 'Pipeline health (admin)',
        description: 'Listens waiting in the ingest file, the engine checkpoint age, the server gauges (lag, watermark), rejects by reason, listens stored per minute over the last hour, and the latest imports.',
        tags: ['dashboard'],
        querystring: { type: 'object', properties: { token: S } },
        response: {
          200: {
            type: 'object',
            properties: {
              pending: { type: 'object', properties: { listens: N, oldest_ingested_at: NS } },
              checkpoint: { type: 'object', properties: { path: S, age_seconds: NN, written_at: NS } },
              gauges: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
              rejects: { type: 'object', properties: { total: N, by_reason: rowsOf({ reason: S, field: NS, rejects: N }) } },
              ingest_per_minute: rowsOf({ minute: S, listens: N }),
              imports: rowsOf({ import_id: S, at: NS, seconds: NN, read: N, accepted: N, duplicates: N, rejected: N }),
            },
          },
        },
      },
    },
    async (req) => {
      requireAdmin(req, ctx.users);
      const q = (sql: string) => ctx.db.query(sql).then((r) => r.rows);
      const hasImports = existsSync(dataPaths(ctx.dataDir).imports);
      const [pending, byReason, perMinute, imports] = await Promise.all([
        q(`SELECT count(*) AS n, strftime(min(ingested_at), '%Y-%m-%dT%H:%M:%SZ') AS oldest FROM ${PENDING_ROWS}`).catch(() => [{ n: 0, oldest: null }]),
        q(`SELECT reason, field, count(*) AS rejects FROM rejects GROUP BY ALL ORDER BY rejects DESC, reason LIMIT 50`),
        q(`SELECT strftime(date_trunc('minute', ingested_at), '%Y-%m-%dT%H:%M:00Z') AS minute, count(*) AS listens FROM listens
           WHERE ingested_at >= now() - INTERVAL 1 HOUR GROUP BY 1 ORDER BY 1`),
        hasImports
          ? q(`SELECT "importId" AS import_id, "at", seconds, totals."read" AS "read", totals.accepted AS accepted, totals.duplicates AS duplicates, totals.rejected AS rejected
               FROM imports ORDER BY "at" DESC LIMIT 50`)
          : Promise.resolve([]),
      ]);
      const ck = checkpointPath(ctx.dataDir);
      const ckStat = existsSync(ck) ? statSync(ck) : null;
      const gauges: Record<string, number | null> = {};
      for (const [name, m] of ctx.metrics.values) {
        const v = m.value();
        gauges[name] = Number.isFinite(v) ? v : null;
      }
      return {
        pending: { listens: num(pending[0]?.['n']), oldest_ingested_at: (pending[0]?.['oldest'] as string | null) ?? null },
        checkpoint: { path: ck, age_seconds: ckStat ? Math.round((Date.now() - ckStat.mtimeMs) / 100) / 10 : null, written_at: ckStat ? ckStat.mtime.toISOString() : null },
        gauges,
        rejects: { total: byReason.reduce((s, r) => s + num(r['rejects']), 0), by_reason: byReason.map((r) => ({ reason: String(r['reason']), field: (r['field'] as string | null) ?? null, rejects: num(r['rejects']) })) },
        ingest_per_minute: perMinute.map((r) => ({ minute: String(r['minute']), listens: num(r['listens']) })),
        imports: imports.map((r) => ({
          import_id: String(r['import_id']),
          at: r['at'] === null || r['at'] === undefined ? null : String(r['at']),
          seconds: r['seconds'] === null || r['seconds'] === undefined ? null : num(r['seconds']),
          read: num(r['read']),
          accepted: num(r['accepted']),
          duplicates: num(r['duplicates']),
          rejected: num(r['rejected']),
        })),
      };
    },
  );

  app.get<{ Querystring: { format?: 'ndjson' | 'csv' } }>(
    '/v1/rejects',
    {
      schema: {
        summary: 'Download rejects (admin)',
        description: `Every rejected record (import, file, location, field, reason, value, raw text) as NDJSON (default) or CSV, at most ${REJECTS_DOWNLOAD_CAP.toLocaleString('en-US')} rows.`,
        tags: ['dashboard'],
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['ndjson', 'csv'], default: 'ndjson' }, token: S } },
      },
    },
    async (req, reply) => {
      requireAdmin(req, ctx.users);
      const { rows } = await ctx.db.query(`SELECT ${REJECT_COLUMNS.join(', ')} FROM rejects LIMIT ${REJECTS_DOWNLOAD_CAP}`);
      if (req.query.format === 'csv') {
        const body = renderRows(rows, REJECT_COLUMNS, 'csv') + '\n';
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="rejects.csv"').send(body);
      }
      const body = rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
      return reply.header('content-type', 'application/x-ndjson').header('content-disposition', 'attachment; filename="rejects.ndjson"').send(body);
    },
  );
};
