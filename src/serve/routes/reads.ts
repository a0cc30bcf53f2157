// The read API: who am I, the live views (in memory, pushed over Server-Sent Events), a user's live
// profile and recap for any range and time zone, the users seen in the lake, and every report's latest
// generation (204 while a report has never run; ?format=csv to download).
import { existsSync } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderRows } from '../../cli/output.js';
import { buildRecap, toRecapRows } from '../../reports/recap.js';
import { loadRegistry } from '../../reports/registry.js';
import { reportRows } from '../../reports/runner.js';
import { resolveRange } from '../../reports/scope.js';
import { openStore, storePath } from '../../store/index.js';
import { EarshotError, errorMessage } from '../../util/errors.js';
import { requireAdmin, requireSelfOrAdmin, requireUser } from '../auth.js';
import type { RoutePlugin } from '../context.js';
import { HttpError } from '../http-error.js';
import { lakeCache } from './dashboard/cache.js';

const obj = { type: 'object', additionalProperties: true } as const;
const userParams = { type: 'object', required: ['user'], properties: { user: { type: 'string', maxLength: 256 } } } as const;

export const readRoutes: RoutePlugin = (app, ctx) => {
  app.get('/v1/me', { schema: { tags: ['users'], summary: 'The signed-in user', response: { 200: { type: 'object', properties: { name: { type: 'string' }, admin: { type: 'boolean' } } } } } }, async (req) => {
    const u = requireUser(req, ctx.users);
    return { name: u.name, admin: u.admin };
  });

  app.get('/v1/live/state', { schema: { tags: ['live'], summary: 'Live views now: counters, trending tracks, action counts, active users, recent listens (admin)', response: { 200: obj } } }, async (req, reply) => {
    requireAdmin(req, ctx.users);
    void reply.type('application/json');
    return ctx.live.stateJson();
  });

  app.get('/v1/live', { schema: { tags: ['live'], summary: 'Server-Sent Events: `state` (as /v1/live/state) on connect and at every engine flush (admin)' } }, (req: FastifyRequest, reply: FastifyReply) => {
    requireAdmin(req, ctx.users);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    const send = (event: string, data: string) => res.write(`event: ${event}\ndata: ${data}\n\n`);
    send('state', ctx.live.stateJson());
    const off = ctx.live.subscribe(send);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.raw.on('close', () => {
      off();
      clearInterval(ping);
    });
  });

  app.get('/v1/users', { schema: { tags: ['users'], summary: 'Users seen in the lake, with their plays (admin)', response: { 200: { type: 'array', items: obj } } } }, async (req) => {
    requireAdmin(req, ctx.users);
    const r = await ctx.db.query(`SELECT user_id AS name, count(*) AS plays FROM listens GROUP BY 1 ORDER BY plays DESC, name LIMIT 1000`);
    return r.rows;
  });

  app.get('/v1/users/:user/profile', { schema: { tags: ['users'], summary: "A user's live profile: plays, minutes, skip rate, top genres, artists and moods, mood tags", params: userParams, response: { 200: obj } } }, async (req: FastifyRequest<{ Params: { user: string } }>) => {
    const { user } = req.params;
    requireSelfOrAdmin(req, ctx.users, user);
    const p = ctx.live.profile(user);
    if (!p) throw new HttpError(404, `No listens of ${user} have reached the live views yet.`);
    return p;
  });

  // Once the server is up, every reader connection runs the recap once for a user that cannot exist:
  // its range views, the statement's first planning and the lake's Parquet footers are then ready, and the
  // first person to open a recap does not pay for them. No answer is kept.
  const recapSpec = () => loadRegistry(ctx.dataDir).reports.find((r) => r.name === 'recap');
  app.addHook('onReady', async () => {
    setTimeout(() => {
      const spec = recapSpec();
      if (!spec) return;
      const warm = () => ctx.db.read(async (conn) => reportRows(conn, spec, { user: '\u0000warm-up' }, await resolveRange(conn, {})));
      void Promise.all(Array.from({ length: ctx.db.readers }, warm)).catch(() => undefined);
    }, 150).unref();
  });

  app.get(
    '/v1/users/:user/recap',
    {
      schema: {
        tags: ['users'],
        summary: 'A Wrapped-style recap of a user for any range and time zone',
        params: userParams,
        querystring: { type: 'object', properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, tz: { type: 'string', default: 'UTC' } } },
        response: { 200: obj },
      },
    },
    async (req: FastifyRequest<{ Params: { user: string }; Querystring: { from?: string; to?: string; tz?: string } }>) => {
      const { user } = req.params;
      requireSelfOrAdmin(req, ctx.users, user);
      const spec = recapSpec();
      if (!spec) throw new HttpError(404, 'The recap report is missing.');
      const q = req.query;
      // Kept while the lake is unchanged (src/serve/routes/dashboard/cache.ts): a recap is recomputed only after new listens.
      return lakeCache(ctx).get(`recap|${user}|${q.from ?? ''}|${q.to ?? ''}|${q.tz ?? 'UTC'}`, () => ctx.db.read(async (conn) => {
        let range;
        try {
          range = await resolveRange(conn, { from: q.from, to: q.to, tz: q.tz });
        } catch (err) {
          throw new HttpError(400, errorMessage(err).replace(/^--/, ''));
        }
        const rows = await reportRows(conn, spec, { user }, range);
        return { ...buildRecap(toRecapRows(rows)), user, range: { from: range.from, to: range.to, tz: range.tz } };
      }));
    },
  );

  app.get(
    '/v1/users/:user/recommendations',
    {
      schema: {
        tags: ['users'],
        summary: 'Recommendations for a user, each with its reason (from the models `earshot recs train` stored)',
        params: userParams,
        querystring: { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 200, default: 20 }, strategy: { type: 'string', default: 'blend' }, include_recent: { type: 'boolean', default: false } } },
        response: { 200: obj },
      },
    },
    async (req: FastifyRequest<{ Params: { user: string }; Querystring: { n: number; strategy: string; include_recent: boolean } }>) => {
      const { user } = req.params;
      requireSelfOrAdmin(req, ctx.users, user);
      const { recommend, RecsNotTrainedError, STRATEGIES } = await import('../../recs/index.js');
      const q = req.query;
      if (!(STRATEGIES as readonly string[]).includes(q.strategy)) throw new HttpError(400, `Unknown strategy "${q.strategy}": one of ${STRATEGIES.join(', ')}.`);
      try {
        const items = recommend(ctx.dataDir, user, { n: q.n, strategy: q.strategy as (typeof STRATEGIES)[number], includeRecent: q.include_recent });
        return { user, strategy: q.strategy, items };
      } catch (err) {
        if (err instanceof RecsNotTrainedError) return { user, strategy: q.strategy, items: [], hint: 'No recommenders are trained yet: run earshot recs train.' };
        if (err instanceof EarshotError) throw new HttpError(400, err.message);
        throw err;
      }
    },
  );

  app.get('/v1/reports', { schema: { tags: ['reports'], summary: 'Every report: description, parameters, columns, latest generation', response: { 200: { type: 'array', items: obj } } } }, async (req) => {
    requireUser(req, ctx.users);
    const reg = loadRegistry(ctx.dataDir);
    const latest = new Map<string, { generation: number; published_at: string; rows: number }>();
    if (existsSync(storePath(ctx.dataDir))) {
      const store = await openStore(ctx.dataDir, { readOnly: true });
      try {
        for (const i of await store.list()) latest.set(i.report, { generation: i.generation, published_at: i.publishedAt, rows: i.rows });
      } finally {
        await store.close();
      }
    }
    return reg.reports.map((r) => ({
      name: r.name,
      group: r.group,
      description: r.description,
      origin: r.origin,
      params: r.parameters.map((p) => ({ name: p.name, type: p.type, default: p.default, description: p.description })),
      columns: r.columns.map((c) => ({ name: c.name, type: c.type, description: c.description })),
      latest: latest.get(r.name) ?? null,
    }));
  });

  app.get(
    '/v1/reports/:name',
    {
      schema: {
        tags: ['reports'],
        summary: "A report's latest generation (204 while it has never run; ?format=csv downloads it)",
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 200 } } },
        querystring: { type: 'object', properties: { format: { type: 'string', enum: ['json', 'csv'] }, limit: { type: 'integer', minimum: 1, maximum: 1000000 } } },
      },
    },
    async (req: FastifyRequest<{ Params: { name: string }; Querystring: { format?: 'json' | 'csv'; limit?: number } }>, reply) => {
      const u = requireUser(req, ctx.users);
      const { name } = req.params;
      const spec = loadRegistry(ctx.dataDir).reports.find((r) => r.name === name);
      if (!spec) throw new HttpError(404, `No report named ${name} (GET /v1/reports lists them).`);
      // Reports cover every user: a user's own view of them is their recap and profile.
      if (!u.admin && spec.name !== 'recap') throw new HttpError(403, 'Reports over every user need an admin token; GET /v1/users/{you}/recap is yours.');
      if (!existsSync(storePath(ctx.dataDir))) return reply.code(204).send();
      const store = await openStore(ctx.dataDir, { readOnly: true });
      try {
        const r = await store.read(name, req.query.limit ? { limit: req.query.limit } : {});
        if (!r) return reply.code(204).send();
        if (req.query.format === 'csv') {
          void reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`);
          return renderRows(r.data, r.columns, 'csv') + '\n';
        }
        return { name, generation: r.generation, published_at: r.publishedAt, params: r.params, columns: r.columns, rows: r.data };
      } catch (err) {
        if (err instanceof EarshotError && err.retriable) throw new HttpError(503, `${err.message}; try again in a moment`, { 'Retry-After': '1' });
        throw err;
      } finally {
        await store.close();
      }
    },
  );
};
