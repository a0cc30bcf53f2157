// Builds the HTTP server: Fastify with JSON logs, body limits, timeouts, per-token rate limits, request
// latency metrics, OpenAPI at /openapi.json rendered at /docs, and one error handler so no reply ever
// carries a stack trace or a 500 for a client's mistake. Routes come from src/serve/routes/.
import Fastify, { type FastifyInstance, type FastifyError, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RoutePlugin, ServerContext } from './context.js';
import { HttpError } from './http-error.js';
import { RateLimiter } from './rate-limit.js';

export interface AppOptions {
  readonly ctx: ServerContext;
  readonly routes: readonly RoutePlugin[];
  /** Pino logger options, or false for none (tests, benchmarks). */
  readonly logger?: boolean | { level: string };
}

/** Whether an object schema has a number or integer property (what Ajv coerces query and path text to). */
function declaresNumber(schema: unknown): boolean {
  const props = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
  if (!props) return false;
  return Object.values(props).some((p) => [p.type].flat().some((t) => t === 'number' || t === 'integer'));
}

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const { ctx } = o;
  const app = Fastify({
    logger: o.logger ?? { level: ctx.config.logLevel },
    bodyLimit: ctx.config.bulkLimit,
    requestTimeout: ctx.config.requestTimeoutMs,
    connectionTimeout: ctx.config.requestTimeoutMs,
    keepAliveTimeout: 10_000,
    return503OnClosing: true,
    // Live streams (SSE) never end by themselves: closing the server ends every connection.
    forceCloseConnections: true,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  });
  const limiter = new RateLimiter({ limit: ctx.config.rateLimit, windowMs: ctx.config.rateWindowMs });
  app.decorateRequest('earshotStart', 0);

  app.addHook('onRequest', async (req, reply) => {
    (req as unknown as { earshotStart: number }).earshotStart = performance.now();
    const path = req.url.split('?')[0]!;
    if (path === '/healthz' || path === '/metrics' || !(path.startsWith('/1/') || path.startsWith('/v1/'))) return;
    limiter.check(req, reply);
  });
  // Ajv coerces a query value like 1e400 to Infinity and lets it through `integer` with its bounds, and
  // 99999999999999999999 to a number past exact integers: either would reach SQL and fail there (a 500).
  // Checked only on routes whose query or path declares a number, so ingest pays nothing for it.
  const checkNumbers = async (req: FastifyRequest): Promise<void> => {
    for (const [where, values] of [['query', req.query], ['path', req.params]] as const) {
      if (!values || typeof values !== 'object') continue;
      for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
        if (typeof v === 'number' && (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER)) {
          throw new HttpError(400, `Invalid request: ${where} parameter ${k} must be a number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
        }
      }
    }
  };
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { querystring?: unknown; params?: unknown } | undefined;
    if (!declaresNumber(schema?.querystring) && !declaresNumber(schema?.params)) return;
    const own = route.preHandler;
    route.preHandler = own === undefined ? [checkNumbers] : [checkNumbers, ...(Array.isArray(own) ? own : [own])];
  });
  app.addHook('onResponse', async (req, reply) => {
    const start = (req as unknown as { earshotStart: number }).earshotStart;
    ctx.metrics.observe(req.routeOptions.url ?? 'unmatched', reply.statusCode, performance.now() - start);
  });

  app.setErrorHandler((err: FastifyError | HttpError | Error, req, reply) => {
    if (err instanceof HttpError) {
      void reply.headers(err.headers);
      return reply.code(err.status).send({ code: err.status, error: err.message });
    }
    const fe = err as FastifyError;
    if (fe.validation) return reply.code(400).send({ code: 400, error: `Invalid request: ${fe.message}` });
    const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
    if (status < 500) {
      const msg =
        fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `The body is larger than this endpoint takes (${ctx.config.bulkLimit.toLocaleString('en-US')} bytes for POST /v1/listens; send smaller batches).`
          : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? `Unsupported Content-Type ${String(req.headers['content-type'])}: send application/json or application/x-ndjson.`
            : fe.message;
      return reply.code(status).send({ code: status, error: msg });
    }
    req.log.error({ err: { message: err.message, stack: err.stack } }, 'request failed');
    return reply.code(500).send({ code: 500, error: 'Internal error; the server log has the details.' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 404, error: `No route ${req.method} ${req.url.split('?')[0]}` }));

  await app.register(swagger, {
    openapi: {
      info: { title: 'earshot', version: '0.1.0', description: 'Listening events into live and historical insight. Authenticate with `Authorization: Token YOUR_TOKEN` (`earshot users add NAME`).' },
      components: { securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token YOUR_TOKEN' } } },
      security: [{ token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const r of o.routes) await app.register(async (sub) => r(sub, ctx));
  return app;
}
