// The write endpoints. POST /1/submit-listens speaks ListenBrainz (its validation, its answers);
// POST /v1/listens takes NDJSON or a JSON document in any importable listen shape and answers with
// accepted, duplicate and rejected counts. Both answer only once the listens are durable.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatByName } from '../../formats/registry.js';
import { requireUser } from '../auth.js';
import { bodyText } from '../body.js';
import type { RoutePlugin, ServerContext } from '../context.js';
import { HttpError } from '../http-error.js';
import type { Body } from '../ingest/stage-group.js';
import { fastListenBrainz } from '../ingest/fast-stage.js';
import { prepareRows } from '../ingest/prepare.js';
import { readBulkBody, type BulkRequest } from '../ingest/bulk-body.js';
import { BodyError, type IngestResult } from '../ingest/ingestor.js';
import { MAX_LISTEN_SIZE, MAX_LISTENS_PER_REQUEST, validateSubmission } from '../lb-validate.js';

const LB_EXPORT = formatByName('listenbrainz-export')!;
/** Bodies of POST /v1/listens from this size on are read on a parse worker (~500 listens and more). */
const PARSE_ON_WORKER = 64 * 1024;
/** Bytes a submit-listens body may have: the per-listen limit times the listens per request, and room for the wrapper. */
const LB_BODY_LIMIT = MAX_LISTEN_SIZE * MAX_LISTENS_PER_REQUEST + 64 * 1024;

function rawBodies(app: FastifyInstance): void {
  // Bodies arrive as bytes whatever their Content-Type: these routes parse (and judge) them themselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

const rejectSchema = {
  type: 'object',
  properties: { line: { type: ['integer', 'null'] }, field: { type: ['string', 'null'] }, reason: { type: 'string' }, value: { type: ['string', 'null'] } },
} as const;

/** Queues a body; a body the importers cannot read is the client's 400, anything else the server's 500. */
async function submit(ctx: ServerContext, body: Body): Promise<IngestResult> {
  try {
    return await ctx.ingest.submit(body);
  } catch (err) {
    if (err instanceof BodyError) throw new HttpError(400, err.message);
    throw err;
  }
}

export const ingestRoutes: RoutePlugin = (app, ctx) => {
  rawBodies(app);

  app.post(
    '/1/submit-listens',
    {
      bodyLimit: LB_BODY_LIMIT,
      schema: {
        tags: ['listenbrainz'],
        summary: 'Submit listens (ListenBrainz API)',
        description: 'listen_type single, playing_now or import; at most 1,000 listens, 10,240 bytes per listen, listened_at not before 2002-10-01. 400 names the problem.',
        body: { type: 'object', additionalProperties: true, properties: { listen_type: { type: 'string', enum: ['single', 'playing_now', 'import'] }, payload: { type: 'array' } } },
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
      // The schema documents the body; the route validates it itself (ListenBrainz's messages).
      validatorCompiler: () => () => true,
    },
    async (req) => {
      const user = requireUser(req, ctx.users);
      const text = bodyText(req.body);
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new HttpError(400, `Cannot parse JSON document: ${(err as Error).message}`);
      }
      const v = validateSubmission(doc, undefined, text.length);
      if (!v.ok) throw new HttpError(400, v.error);
      if (v.listenType === 'playing_now') {
        const l = v.listens[0]!;
        await ctx.ingest.setPlayingNow(user.name, l.track_metadata);
        return { status: 'ok' };
      }
      // The validated listens, as the lines of a ListenBrainz export: the importer every import uses maps them.
      // Read in TypeScript when plainly valid (fast-stage.ts); else SQL maps the export lines.
      const fast = fastListenBrainz(v.listens, user.name);
      const [source, origin] = ['listenbrainz-api', 'api:/1/submit-listens'];
      const lines = fast ? '' : v.listens.map((l) => JSON.stringify({ ...l, user_name: user.name })).join('\n') + '\n';
      await submit(ctx, { text: lines, kind: 'ndjson', lines: v.listens.length, format: LB_EXPORT, user: user.name, onlyUser: user.name, source, origin, pre: fast && prepareRows(fast, source, origin, false) });
      return { status: 'ok' };
    },
  );

  app.post(
    '/v1/listens',
    {
      schema: {
        tags: ['ingest'],
        summary: 'Bulk ingest: NDJSON or a JSON document of listens in any importable shape',
        description:
          'Body: NDJSON (one listen per line) or a JSON array/document in any shape `earshot formats` lists. `?format=NAME` forces a format; `?user=NAME` (admins) names the user for shapes without one. Answers after the listens are durable. A user may write only their own listens.',
        querystring: { type: 'object', properties: { format: { type: 'string' }, user: { type: 'string' } } },
        response: {
          200: {
            type: 'object',
            properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' }, rejected: { type: 'integer' }, rejects: { type: 'array', items: rejectSchema } },
          },
        },
      },
    },
    async (req: FastifyRequest<{ Querystring: { format?: string; user?: string } }>) => {
      const user = requireUser(req, ctx.users);
      const q = req.query;
      if (q.user && !user.admin && q.user !== user.name) throw new HttpError(403, 'Only an admin may write listens for another user.');
      const forUser = q.user ?? user.name;
      const onlyUser = user.admin ? undefined : user.name;
      const origin = 'api:/v1/listens';
      const want: BulkRequest = { user: forUser, origin, ...(q.format === undefined ? {} : { forced: q.format }), ...(onlyUser === undefined ? {} : { onlyUser }) };
      // A large body is read on a parse worker, off the event loop (parse-pool.ts); a small one here.
      const raw = req.body;
      const read = ctx.parse && raw instanceof Uint8Array && raw.byteLength >= PARSE_ON_WORKER ? await ctx.parse.read(raw, want) : readBulkBody(raw, want, false);
      if ('error' in read) throw new HttpError(400, read.error);
      const body: Body = {
        pre: read.pre,
        text: read.text,
        kind: read.kind,
        lines: read.lines,
        format: formatByName(read.format)!,
        user: forUser,
        ...(onlyUser === undefined ? {} : { onlyUser }),
        source: read.source,
        origin,
      };
      const r = await submit(ctx, body);
      return { accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected, rejects: r.rejects };
    },
  );
};

