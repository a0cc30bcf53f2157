// ListenBrainz's read endpoints, answered from the lake: validate-token, a user's listens and what they
// are playing now, and the user statistics (top artists, recordings, releases, listening activity,
// daily activity) for its `range` values. Shapes follow ListenBrainz's documented responses.
import type { FastifyRequest } from 'fastify';
import { lit } from '../../util/db.js';
import { requireSelfOrAdmin, tokenOf } from '../auth.js';
import type { RoutePlugin } from '../context.js';
import { HttpError } from '../http-error.js';

export const LB_RANGES = ['this_week', 'this_month', 'this_year', 'week', 'month', 'quarter', 'year', 'half_yearly', 'all_time'] as const;
type LbRange = (typeof LB_RANGES)[number];

const DAY = 86_400_000;

/** [from, to) in epoch ms for a ListenBrainz range at `now` (UTC): this_* up to now, the others the last whole period. */
export function rangeBounds(range: LbRange, now: number): { from: number; to: number } | null {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const today = Date.UTC(y, m, d.getUTCDate());
  const monday = today - ((d.getUTCDay() + 6) % 7) * DAY;
  switch (range) {
    case 'all_time':
      return null;
    case 'this_week':
      return { from: monday, to: now + 1 };
    case 'this_month':
      return { from: Date.UTC(y, m, 1), to: now + 1 };
    case 'this_year':
      return { from: Date.UTC(y, 0, 1), to: now + 1 };
    case 'week':
      return { from: monday - 7 * DAY, to: monday };
    case 'month':
      return { from: Date.UTC(y, m - 1, 1), to: Date.UTC(y, m, 1) };
    case 'quarter': {
      const q = Math.floor(m / 3) * 3;
      return { from: Date.UTC(y, q - 3, 1), to: Date.UTC(y, q, 1) };
    }
    case 'half_yearly': {
      const h = m < 6 ? 0 : 6;
      return { from: Date.UTC(y, h - 6, 1), to: Date.UTC(y, h, 1) };
    }
    case 'year':
      return { from: Date.UTC(y - 1, 0, 1), to: Date.UTC(y, 0, 1) };
  }
}

/** Unix seconds DuckDB's to_timestamp takes without error: years 1 to 9999. */
const TS_BOUNDS = { minimum: -62_135_596_800, maximum: 253_402_300_799 } as const;
const userParams = { type: 'object', required: ['user'], properties: { user: { type: 'string', maxLength: 256 } } } as const;
const statsQuery = {
  type: 'object',
  properties: { range: { type: 'string', enum: [...LB_RANGES], default: 'all_time' }, count: { type: 'integer', minimum: 1, maximum: 1000, default: 25 }, offset: { type: 'integer', minimum: 0, maximum: 2_147_483_647, default: 0 } },
} as const;
const obj = { type: 'object', additionalProperties: true } as const;
type StatsReq = FastifyRequest<{ Params: { user: string }; Querystring: { range: LbRange; count: number; offset: number } }>;

const secs = (v: unknown): number => Math.floor(new Date(String(v)).getTime() / 1000);

export const listenbrainzReadRoutes: RoutePlugin = (app, ctx) => {
  app.get('/1/validate-token', { schema: { tags: ['listenbrainz'], summary: 'Is a token valid (ListenBrainz API)', querystring: { type: 'object', properties: { token: { type: 'string' } } }, response: { 200: obj } } }, async (req) => {
    const t = tokenOf(req);
    if (!t) throw new HttpError(400, 'You need to provide an Authorization token.');
    const u = ctx.users.verify(t);
    return u ? { code: 200, message: 'Token valid.', valid: true, user_name: u.name } : { code: 200, message: 'Token invalid.', valid: false };
  });

  app.get(
    '/1/user/:user/listens',
    {
      schema: {
        tags: ['listenbrainz'],
        summary: "A user's listens, newest first (ListenBrainz API)",
        params: userParams,
        querystring: { type: 'object', properties: { count: { type: 'integer', minimum: 1, maximum: 1000, default: 25 }, min_ts: { type: 'integer', ...TS_BOUNDS }, max_ts: { type: 'integer', ...TS_BOUNDS } } },
        response: { 200: obj },
      },
    },
    async (req: FastifyRequest<{ Params: { user: string }; Querystring: { count: number; min_ts?: number; max_ts?: number } }>) => {
      const { user } = req.params;
      requireSelfOrAdmin(req, ctx.users, user);
      const q = req.query;
      if (q.min_ts !== undefined && q.max_ts !== undefined) throw new HttpError(400, 'You may only specify max_ts or min_ts, not both.');
      const where = [`user_id = ${lit(user)}`];
      if (q.min_ts !== undefined) where.push(`listened_at > to_timestamp(${q.min_ts})`);
      if (q.max_ts !== undefined) where.push(`listened_at < to_timestamp(${q.max_ts})`);
      const order = q.min_ts !== undefined ? 'ASC' : 'DESC';
      const r = await ctx.db.query(
        `SELECT * FROM (SELECT listened_at, ingested_at, listen_id, track_name, artist_name, album_name, recording_mbid, release_mbid, artist_mbid, ms_played, platform FROM listens WHERE ${where.join(' AND ')} ORDER BY listened_at ${order} LIMIT ${q.count}) ORDER BY listened_at DESC`,
      );
      const span = await ctx.db.query(`SELECT max(listened_at) AS latest, min(listened_at) AS oldest FROM listens WHERE user_id = ${lit(user)}`);
      const s = span.rows[0] ?? {};
      return {
        payload: {
          count: r.rows.length,
          user_id: user,
          latest_listen_ts: s['latest'] ? secs(s['latest']) : 0,
          oldest_listen_ts: s['oldest'] ? secs(s['oldest']) : 0,
          listens: r.rows.map((x) => ({
            listened_at: secs(x['listened_at']),
            inserted_at: x['ingested_at'] ? secs(x['ingested_at']) : null,
            recording_msid: x['listen_id'],
            user_name: user,
            track_metadata: {
              artist_name: x['artist_name'],
              track_name: x['track_name'],
              release_name: x['album_name'],
              additional_info: {
                ...(x['recording_mbid'] ? { recording_mbid: x['recording_mbid'] } : {}),
                ...(x['release_mbid'] ? { release_mbid: x['release_mbid'] } : {}),
                ...(x['artist_mbid'] ? { artist_mbids: [x['artist_mbid']] } : {}),
                ...(x['ms_played'] !== null ? { duration_ms: x['ms_played'] } : {}),
                ...(x['platform'] ? { media_player: x['platform'] } : {}),
              },
            },
          })),
        },
      };
    },
  );

  app.get('/1/user/:user/playing-now', { schema: { tags: ['listenbrainz'], summary: 'What a user is playing now (ListenBrainz API)', params: userParams, response: { 200: obj } } }, async (req: FastifyRequest<{ Params: { user: string } }>) => {
    const { user } = req.params;
    requireSelfOrAdmin(req, ctx.users, user);
    const r = await ctx.db.query(`SELECT payload FROM ingest.playing_now WHERE user_id = ${lit(user)} AND updated_at > now() - INTERVAL 1 HOUR`);
    const listens = r.rows.map((x) => ({ playing_now: true, track_metadata: JSON.parse(String(x['payload'])) as unknown }));
    return { payload: { count: listens.length, user_id: user, playing_now: true, listens } };
  });

  /** The WHERE of a stats query, and the range's bounds. */
  const statsScope = (user: string, range: LbRange) => {
    const now = Date.now();
    const b = rangeBounds(range, now);
    const where = [`user_id = ${lit(user)}`];
    if (b) where.push(`listened_at >= to_timestamp(${b.from / 1000}) AND listened_at < to_timestamp(${b.to / 1000})`);
    return { where: where.join(' AND '), b, now };
  };
  const stat = (
    path: string,
    summary: string,
    key: string,
    select: string,
    group: string,
    toItem: (r: Record<string, unknown>) => Record<string, unknown>,
  ) =>
    app.get(path, { schema: { tags: ['listenbrainz'], summary, params: userParams, querystring: statsQuery, response: { 200: obj } } }, async (req: StatsReq, reply) => {
      const { user } = req.params;
      requireSelfOrAdmin(req, ctx.users, user);
      const { range, count, offset } = req.query;
      const s = statsScope(user, range);
      const r = await ctx.db.query(
        `SELECT ${select}, count(*) AS listen_count, count(*) OVER () AS total FROM listens WHERE ${s.where} GROUP BY ${group} ORDER BY listen_count DESC, 1 LIMIT ${count} OFFSET ${offset}`,
      );
      if (r.rows.length === 0) return reply.code(204).send();
      return {
        payload: {
          [key]: r.rows.map(toItem),
          count: r.rows.length,
          [`total_${key.replace(/s$/, '')}_count`]: Number(r.rows[0]!['total']),
          offset,
          range,
          user_id: user,
          from_ts: s.b ? Math.floor(s.b.from / 1000) : 0,
          to_ts: s.b ? Math.floor(s.b.to / 1000) : Math.floor(s.now / 1000),
          last_updated: Math.floor(s.now / 1000),
        },
      };
    });

  stat('/1/stats/user/:user/artists', "A user's top artists (ListenBrainz API)", 'artists', 'artist_name, any_value(artist_mbid) AS artist_mbid', 'artist_name', (r) => ({
    artist_name: r['artist_name'],
    artist_mbids: r['artist_mbid'] ? [r['artist_mbid']] : [],
    listen_count: Number(r['listen_count']),
  }));
  stat('/1/stats/user/:user/recordings', "A user's top recordings (ListenBrainz API)", 'recordings', 'track_name, artist_name, any_value(album_name) AS release_name, any_value(recording_mbid) AS recording_mbid', 'track_name, artist_name', (r) => ({
    track_name: r['track_name'],
    artist_name: r['artist_name'],
    release_name: r['release_name'],
    recording_mbid: r['recording_mbid'],
    listen_count: Number(r['listen_count']),
  }));
  stat('/1/stats/user/:user/releases', "A user's top releases (ListenBrainz API)", 'releases', "album_name AS release_name, any_value(artist_name) AS artist_name, any_value(release_mbid) AS release_mbid", 'album_name', (r) => ({
    release_name: r['release_name'],
    artist_name: r['artist_name'],
    release_mbid: r['release_mbid'],
    listen_count: Number(r['listen_count']),
  }));

  app.get(
    '/1/stats/user/:user/listening-activity',
    { schema: { tags: ['listenbrainz'], summary: "A user's listens per day (week ranges), per day (month ranges) or per month (longer ranges) (ListenBrainz API)", params: userParams, querystring: statsQuery, response: { 200: obj } } },
    async (req: StatsReq, reply) => {
      const { user } = req.params;
      requireSelfOrAdmin(req, ctx.users, user);
      const { range } = req.query;
      const s = statsScope(user, range);
      const unit = range.includes('week') || range.includes('month') ? 'day' : range === 'all_time' ? 'year' : 'month';
      const r = await ctx.db.query(
        `SELECT epoch(date_trunc('${unit}', listened_at))::BIGINT AS f, epoch(date_trunc('${unit}', listened_at) + INTERVAL 1 ${unit})::BIGINT AS t, strftime(date_trunc('${unit}', listened_at), '${unit === 'day' ? '%A %d %B %Y' : unit === 'month' ? '%B %Y' : '%Y'}') AS label, count(*) AS n
         FROM listens WHERE ${s.where} GROUP BY ALL ORDER BY f`,
      );
      if (r.rows.length === 0) return reply.code(204).send();
      return {
        payload: {
          listening_activity: r.rows.map((x) => ({ from_ts: Number(x['f']), to_ts: Number(x['t']), time_range: x['label'], listen_count: Number(x['n']) })),
          range,
          user_id: user,
          from_ts: s.b ? Math.floor(s.b.from / 1000) : Number(r.rows[0]!['f']),
          to_ts: s.b ? Math.floor(s.b.to / 1000) : Number(r.rows.at(-1)!['t']),
          last_updated: Math.floor(s.now / 1000),
        },
      };
    },
  );

  app.get(
    '/1/stats/user/:user/daily-activity',
    { schema: { tags: ['listenbrainz'], summary: "A user's listens by weekday and hour, UTC (ListenBrainz API)", params: userParams, querystring: statsQuery, response: { 200: obj } } },
    async (req: StatsReq, reply) => {
      const { user } = req.params;
      requireSelfOrAdmin(req, ctx.users, user);
      const { range } = req.query;
      const s = statsScope(user, range);
      const r = await ctx.db.query(`SELECT dayname(listened_at) AS d, hour(listened_at) AS h, count(*) AS n FROM listens WHERE ${s.where} GROUP BY ALL ORDER BY d, h`);
      if (r.rows.length === 0) return reply.code(204).send();
      const days: Record<string, { hour: number; listen_count: number }[]> = {};
      for (const d of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) days[d] = [];
      for (const x of r.rows) days[String(x['d'])]!.push({ hour: Number(x['h']), listen_count: Number(x['n']) });
      return { payload: { daily_activity: days, range, user_id: user, from_ts: s.b ? Math.floor(s.b.from / 1000) : 0, to_ts: s.b ? Math.floor(s.b.to / 1000) : Math.floor(s.now / 1000), last_updated: Math.floor(s.now / 1000) } };
    },
  );
};
