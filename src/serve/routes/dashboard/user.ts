// Per-user reads the recap page needs beside the recap itself: plays, skips and skip rate by platform for
// a date range in a time zone. A user may read only their own; an admin anyone's.
import type { RoutePlugin } from '../../context.js';
import { requireSelfOrAdmin } from '../../auth.js';
import { lit } from '../../../util/db.js';
import { lakeCache } from './cache.js';
import { N, NN, S, num, rangeQuerySchema, rangeWhere, rowsOf, type DayRange } from './range.js';

export const userRoutes: RoutePlugin = (app, ctx) => {
  app.get<{ Params: { user: string }; Querystring: DayRange }>(
    '/v1/users/:user/platforms',
    {
      schema: {
        summary: "A user's skip rate by platform",
        description: 'Plays, skips and skip rate per device or platform in the range (days in `tz`, default UTC). 403 for another user unless admin. Sample: `[{"platform":"android","plays":812,"skips":160,"skip_rate":0.197}]`.',
        tags: ['dashboard'],
        params: { type: 'object', properties: { user: { type: 'string', maxLength: 200 } }, required: ['user'] },
        querystring: { ...rangeQuerySchema, properties: { ...rangeQuerySchema.properties, tz: { type: 'string', maxLength: 64, description: 'IANA time zone of the days' } } },
        response: { 200: rowsOf({ platform: S, plays: N, skips: N, skip_rate: NN }) },
      },
    },
    async (req) => {
      requireSelfOrAdmin(req, ctx.users, req.params.user);
      const w = rangeWhere(req.query);
      const user = lit(req.params.user);
      return lakeCache(ctx).get(`platforms|${user}|${w}`, async () => {
      const { rows } = await ctx.db.query(
        `SELECT coalesce(l.platform, 'unknown') AS platform, count(*) AS plays, count(*) FILTER (WHERE l.action = 'skip') AS skips,
           round(count(*) FILTER (WHERE l.action = 'skip') / count(*), 4) AS skip_rate
         FROM listens l ${w} ${w ? 'AND' : 'WHERE'} l.user_id = ${user} GROUP BY 1 ORDER BY plays DESC, platform`,
      );
      return rows.map((r) => ({ platform: String(r['platform']), plays: num(r['plays']), skips: num(r['skips']), skip_rate: r['skip_rate'] === null ? null : num(r['skip_rate']) }));
      });
    },
  );
};
