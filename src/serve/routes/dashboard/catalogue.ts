// Catalogue reads for the dashboard: the 2-D song map (the ML track map when `DATA/ml/track_map.parquet`
// exists, else the catalogue on valence × energy so the page still shows something true), genre and
// artist performance, and one track's or artist's page (plays per day, listeners, skip rate).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RoutePlugin } from '../../context.js';
import { requireUser } from '../../auth.js';
import { HttpError } from '../../http-error.js';
import { lit } from '../../../util/db.js';
import { lakeCache } from './cache.js';
import { N, NN, NS, S, num, rangeQuerySchema, rangeWhere, rowsOf, type DayRange } from './range.js';

export const trackMapPath = (dataDir: string): string => join(dataDir, 'ml', 'track_map.parquet');

const perf = { plays: N, listeners: N, minutes: N, avg_minutes: NN, skip_rate: NN };
const daily = rowsOf({ day: S, plays: N, listeners: N });
const nullableNum = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const token = { type: 'string', description: 'the token, when no Authorization header can be sent' } as const;

/** Plays, listeners, minutes, minutes per play and skip rate as SQL select items over listens `l`. */
const PERF_SQL = `count(*) AS plays, count(DISTINCT l.user_id) AS listeners, coalesce(round(sum(l.ms_played) / 60000, 1), 0) AS minutes,
  round(avg(l.ms_played) / 60000, 2) AS avg_minutes, round(count(*) FILTER (WHERE l.action = 'skip') / count(*), 4) AS skip_rate`;

function perfRow(r: Record<string, unknown>) {
  return { plays: num(r['plays']), listeners: num(r['listeners']), minutes: num(r['minutes']), avg_minutes: nullableNum(r['avg_minutes']), skip_rate: nullableNum(r['skip_rate']) };
}

export const catalogueRoutes: RoutePlugin = (app, ctx) => {
  // Warm what the catalogue page asks first, once the server is up.
  app.addHook('onReady', async () => {
    setTimeout(() => void Promise.all([songMapJson(), genresFor(''), artistsFor('', undefined, 100)]).catch(() => undefined), 100).unref();
  });
  const genresFor = (w: string) =>
    lakeCache(ctx).get(`genres|${w}`, async () => {
      const { rows } = await ctx.db.query(
        `SELECT t.genre, count(DISTINCT l.track_key) AS tracks, ${PERF_SQL} FROM listens l JOIN tracks t USING (track_key) ${w}
         ${w ? 'AND' : 'WHERE'} t.genre IS NOT NULL GROUP BY t.genre ORDER BY plays DESC, t.genre`,
      );
      return rows.map((r) => ({ genre: String(r['genre']), tracks: num(r['tracks']), ...perfRow(r) }));
    });
  const artistsFor = (w: string, q: string | undefined, limit: number) => {
    const filter = q ? `${w ? 'AND' : 'WHERE'} l.artist_name ILIKE ${lit(`%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\'` : '';
    const sql = `SELECT l.artist_name AS artist, count(DISTINCT l.track_key) AS tracks, ${PERF_SQL} FROM listens l ${w} ${filter} ${w || filter ? 'AND' : 'WHERE'} l.artist_name IS NOT NULL
       GROUP BY 1 ORDER BY plays DESC, artist LIMIT ${limit}`;
    return lakeCache(ctx).get(`artists|${sql}`, async () => {
      const { rows } = await ctx.db.query(sql);
      return rows.map((r) => ({ artist: String(r['artist']), tracks: num(r['tracks']), ...perfRow(r) }));
    });
  };
  app.get(
    '/v1/catalogue/map',
    {
      schema: {
        summary: 'Songs on a 2-D map',
        description:
          'Every catalogue track as a point. `source` is `track_map` when the ML track map (DATA/ml/track_map.parquet) exists; otherwise `valence_energy` (x = valence, y = energy of the catalogue) with a `hint` saying how to build the real map. Empty points with a hint when there is no catalogue.',
        tags: ['dashboard'],
        querystring: { type: 'object', properties: { token } },
        response: {
          200: {
            type: 'object',
            properties: {
              source: S,
              hint: NS,
              points: rowsOf({ track_key: S, x: N, y: N, cluster: NN, genre: NS, title: NS, artist: NS }),
            },
          },
        },
      },
    },
    async (req, reply) => {
      requireUser(req, ctx.users);
      void reply.type('application/json');
      return songMapJson();
    },
  );
  // Kept as JSON text: the map is every catalogue track (hundreds of KB), and serialising it again for
  // each request cost more than the query it came from.
  const songMapJson = () => lakeCache(ctx).get('catalogue-map', async () => JSON.stringify(await songMap()));
  const songMap = async () => {
      const map = trackMapPath(ctx.dataDir);
      if (existsSync(map)) {
        const { rows } = await ctx.db.query(
          `SELECT track_key, x, y, cluster, genre, title, artist FROM read_parquet(${lit(map)}) WHERE x IS NOT NULL AND y IS NOT NULL`,
        );
        return { source: 'track_map', hint: null, points: rows.map((r) => ({ ...r, x: num(r['x']), y: num(r['y']), cluster: nullableNum(r['cluster']) })) };
      }
      const { rows } = await ctx.db.query(
        `SELECT track_key, valence AS x, energy AS y, NULL AS cluster, genre, title, artist_name AS artist FROM tracks WHERE valence IS NOT NULL AND energy IS NOT NULL`,
      );
      const hint = rows.length
        ? 'The ML track map has not been built yet, so this shows the catalogue on valence × energy; the ML commands (earshot ml) write DATA/ml/track_map.parquet.'
        : 'No catalogue with audio features yet: earshot import a catalogue (or npm run demo).';
      return { source: 'valence_energy', hint, points: rows.map((r) => ({ ...r, x: num(r['x']), y: num(r['y']), cluster: null })) };
  };

  app.get<{ Querystring: DayRange }>(
    '/v1/catalogue/genres',
    {
      schema: {
        summary: 'Genre performance',
        description: 'Per catalogue genre: tracks heard, plays, listeners, minutes, minutes per play and skip rate. Sample: `[{"genre":"Pop","tracks":412,"plays":81234,"listeners":480,"minutes":250000.1,"avg_minutes":3.08,"skip_rate":0.21}]`.',
        tags: ['dashboard'],
        querystring: rangeQuerySchema,
        response: { 200: rowsOf({ genre: S, tracks: N, ...perf }) },
      },
    },
    async (req) => {
      requireUser(req, ctx.users);
      return genresFor(rangeWhere(req.query));
    },
  );

  app.get<{ Querystring: DayRange & { limit?: number; q?: string } }>(
    '/v1/catalogue/artists',
    {
      schema: {
        summary: 'Artist performance',
        description: 'Artists by plays, with listeners, minutes, minutes per play and skip rate; `q` filters by a part of the name.',
        tags: ['dashboard'],
        querystring: { ...rangeQuerySchema, properties: { ...rangeQuerySchema.properties, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, q: { type: 'string', maxLength: 200 } } },
        response: { 200: rowsOf({ artist: S, tracks: N, ...perf }) },
      },
    },
    async (req) => {
      requireUser(req, ctx.users);
      return artistsFor(rangeWhere(req.query), req.query.q, req.query.limit ?? 50);
    },
  );

  app.get<{ Params: { track_key: string } }>(
    '/v1/tracks/:track_key',
    {
      schema: {
        summary: 'One track',
        description: 'A track from the catalogue and the listens: title, artist, genre, plays per day, listeners, skip rate. 404 when neither knows the key.',
        tags: ['dashboard'],
        params: { type: 'object', properties: { track_key: { type: 'string', maxLength: 500 } }, required: ['track_key'] },
        querystring: { type: 'object', properties: { token } },
        response: {
          200: { type: 'object', properties: { track_key: S, title: NS, artist: NS, album: NS, genre: NS, mood: NS, ...perf, daily } },
        },
      },
    },
    async (req) => {
      requireUser(req, ctx.users);
      const key = lit(req.params.track_key);
      return lakeCache(ctx).get(`track|${key}`, async () => {
      const [meta, stats, days] = await Promise.all([
        ctx.db.query(`SELECT title AS track_name, artist_name, album_name, genre, mood FROM tracks WHERE track_key = ${key} LIMIT 1`),
        ctx.db.query(`SELECT ${PERF_SQL}, any_value(l.track_name) AS track_name, any_value(l.artist_name) AS artist_name FROM listens l WHERE l.track_key = ${key}`),
        ctx.db.query(`SELECT CAST(l.dt AS VARCHAR) AS day, count(*) AS plays, count(DISTINCT l.user_id) AS listeners FROM listens l WHERE l.track_key = ${key} GROUP BY 1 ORDER BY 1`),
      ]);
      const m = meta.rows[0];
      const s = stats.rows[0] ?? {};
      if (!m && !num(s['plays'])) throw new HttpError(404, `No track ${req.params.track_key} in the catalogue or the listens.`);
      return {
        track_key: req.params.track_key,
        title: (m?.['track_name'] ?? s['track_name'] ?? null) as string | null,
        artist: (m?.['artist_name'] ?? s['artist_name'] ?? null) as string | null,
        album: (m?.['album_name'] ?? null) as string | null,
        genre: (m?.['genre'] ?? null) as string | null,
        mood: (m?.['mood'] ?? null) as string | null,
        ...perfRow(s),
        daily: days.rows.map((r) => ({ day: String(r['day']), plays: num(r['plays']), listeners: num(r['listeners']) })),
      };
      });
    },
  );

  app.get<{ Params: { name: string } }>(
    '/v1/artists/:name',
    {
      schema: {
        summary: 'One artist',
        description: 'An artist by name: plays per day, listeners, skip rate and their most played tracks. 404 when no listen names them.',
        tags: ['dashboard'],
        params: { type: 'object', properties: { name: { type: 'string', maxLength: 500 } }, required: ['name'] },
        querystring: { type: 'object', properties: { token } },
        response: {
          200: { type: 'object', properties: { artist: S, ...perf, daily, top_tracks: rowsOf({ track_key: S, title: NS, plays: N }) } },
        },
      },
    },
    async (req) => {
      requireUser(req, ctx.users);
      const a = lit(req.params.name);
      return lakeCache(ctx).get(`artist|${a}`, async () => {
      const [stats, days, top] = await Promise.all([
        ctx.db.query(`SELECT ${PERF_SQL} FROM listens l WHERE l.artist_name = ${a}`),
        ctx.db.query(`SELECT CAST(l.dt AS VARCHAR) AS day, count(*) AS plays, count(DISTINCT l.user_id) AS listeners FROM listens l WHERE l.artist_name = ${a} GROUP BY 1 ORDER BY 1`),
        ctx.db.query(`SELECT l.track_key, any_value(l.track_name) AS title, count(*) AS plays FROM listens l WHERE l.artist_name = ${a} GROUP BY 1 ORDER BY plays DESC, 1 LIMIT 20`),
      ]);
      const s = stats.rows[0] ?? {};
      if (!num(s['plays'])) throw new HttpError(404, `No listens by an artist named ${req.params.name}.`);
      return {
        artist: req.params.name,
        ...perfRow(s),
        daily: days.rows.map((r) => ({ day: String(r['day']), plays: num(r['plays']), listeners: num(r['listeners']) })),
        top_tracks: top.rows.map((r) => ({ track_key: String(r['track_key']), title: (r['title'] as string | null) ?? null, plays: num(r['plays']) })),
      };
      });
    },
  );
};
