// GET /v1/overview (admin): the whole lake at a glance for the dashboard's first page — totals, skip and
// completion rates, plays by genre, the weekday × hour heatmap (UTC), device mix, plays by country and
// the most active users. Six small aggregates run in parallel on the read pool.
import type { RoutePlugin } from '../../context.js';
import { requireAdmin } from '../../auth.js';
import type { ServerContext } from '../../context.js';
import { lakeCache } from './cache.js';
import { N, NN, NS, num, rangeQuerySchema, rangeWhere, rowsOf, type DayRange } from './range.js';

export interface Overview {
  totals: { plays: number; users: number; tracks: number; artists: number; minutes: number; skip_rate: number | null; completion_rate: number | null; first_listen: string | null; last_listen: string | null };
  genres: { genre: string; plays: number }[];
  heatmap: { weekday: number; hour: number; plays: number }[];
  platforms: { platform: string; plays: number }[];
  countries: { country: string; plays: number }[];
  top_users: { user_id: string; plays: number; minutes: number; skip_rate: number | null }[];
}

const responseSchema = {
  200: {
    type: 'object',
    properties: {
      totals: {
        type: 'object',
        properties: { plays: N, users: N, tracks: N, artists: N, minutes: N, skip_rate: NN, completion_rate: NN, first_listen: NS, last_listen: NS },
      },
      genres: rowsOf({ genre: { type: 'string' }, plays: N }),
      heatmap: rowsOf({ weekday: N, hour: N, plays: N }),
      platforms: rowsOf({ platform: { type: 'string' }, plays: N }),
      countries: rowsOf({ country: { type: 'string' }, plays: N }),
      top_users: rowsOf({ user_id: { type: 'string' }, plays: N, minutes: N, skip_rate: NN }),
    },
  },
};

export const overviewRoutes: RoutePlugin = (app, ctx) => {
  app.get<{ Querystring: DayRange }>(
    '/v1/overview',
    {
      schema: {
        summary: 'The lake at a glance (admin)',
        description: 'Totals, skip and completion rates, plays by genre, weekday × hour (UTC, weekday 0 = Monday), device mix, plays by country, most active users. 403 for a non-admin token.',
        tags: ['dashboard'],
        querystring: rangeQuerySchema,
        response: responseSchema,
      },
    },
    async (req) => {
      requireAdmin(req, ctx.users);
      const w = rangeWhere(req.query);
      return lakeCache(ctx).get(`overview|${req.query.from ?? ''}|${req.query.to ?? ''}`, () => computeOverview(ctx, w));
    },
  );
  // Warm the default overview once the server is up, so the first visitor does not wait for it.
  app.addHook('onReady', async () => {
    setTimeout(() => void lakeCache(ctx).get('overview||', () => computeOverview(ctx, '')).catch(() => undefined), 50).unref();
  });
};

/** The overview's six aggregates over listens restricted by `w` (a WHERE clause or ''). */
export async function computeOverview(ctx: ServerContext, w: string): Promise<Overview> {
  const q = (sql: string) => ctx.db.query(sql).then((r) => r.rows);
  const [totals, genres, heat, platforms, countries, users] = await Promise.all([
    q(`SELECT count(*) AS plays, count(DISTINCT user_id) AS users, count(DISTINCT track_key) AS tracks, count(DISTINCT artist_name) AS artists,
         coalesce(round(sum(ms_played) / 60000, 1), 0) AS minutes,
         round(count(*) FILTER (WHERE action = 'skip') / nullif(count(*), 0), 4) AS skip_rate,
         round(count(*) FILTER (WHERE action = 'complete') / nullif(count(*), 0), 4) AS completion_rate,
         strftime(min(listened_at), '%Y-%m-%dT%H:%M:%SZ') AS first_listen, strftime(max(listened_at), '%Y-%m-%dT%H:%M:%SZ') AS last_listen
       FROM listens l ${w}`),
    q(`SELECT coalesce(t.genre, 'unknown') AS genre, count(*) AS plays FROM listens l LEFT JOIN tracks t USING (track_key) ${w} GROUP BY 1 ORDER BY plays DESC, genre`),
    // UTC weekday (0 = Monday; 1970-01-01 was a Thursday) and hour by epoch arithmetic: ICU's calendar functions cost ~10× more.
    q(`SELECT CAST((epoch_ms(listened_at) // 86400000 + 3) % 7 AS INTEGER) AS weekday, CAST(epoch_ms(listened_at) // 3600000 % 24 AS INTEGER) AS hour, count(*) AS plays FROM listens l ${w} GROUP BY ALL ORDER BY ALL`),
    q(`SELECT coalesce(platform, 'unknown') AS platform, count(*) AS plays FROM listens l ${w} GROUP BY 1 ORDER BY plays DESC, platform`),
    q(`SELECT upper(country) AS country, count(*) AS plays FROM listens l ${w} ${w ? 'AND' : 'WHERE'} country IS NOT NULL GROUP BY 1 ORDER BY plays DESC, country`),
    q(`SELECT user_id, count(*) AS plays, coalesce(round(sum(ms_played) / 60000, 1), 0) AS minutes, round(count(*) FILTER (WHERE action = 'skip') / count(*), 4) AS skip_rate
       FROM listens l ${w} GROUP BY user_id ORDER BY plays DESC, user_id LIMIT 10`),
  ]);
  const t = totals[0] ?? {};
  const out: Overview = {
    totals: {
      plays: num(t['plays']),
      users: num(t['users']),
      tracks: num(t['tracks']),
      artists: num(t['artists']),
      minutes: num(t['minutes']),
      skip_rate: t['skip_rate'] === null || t['skip_rate'] === undefined ? null : num(t['skip_rate']),
      completion_rate: t['completion_rate'] === null || t['completion_rate'] === undefined ? null : num(t['completion_rate']),
      first_listen: (t['first_listen'] as string | null) ?? null,
      last_listen: (t['last_listen'] as string | null) ?? null,
    },
    genres: genres.map((r) => ({ genre: String(r['genre']), plays: num(r['plays']) })),
    heatmap: heat.map((r) => ({ weekday: num(r['weekday']), hour: num(r['hour']), plays: num(r['plays']) })),
    platforms: platforms.map((r) => ({ platform: String(r['platform']), plays: num(r['plays']) })),
    countries: countries.map((r) => ({ country: String(r['country']), plays: num(r['plays']) })),
    top_users: users.map((r) => ({ user_id: String(r['user_id']), plays: num(r['plays']), minutes: num(r['minutes']), skip_rate: r['skip_rate'] === null ? null : num(r['skip_rate']) })),
  };
  return out;
}
