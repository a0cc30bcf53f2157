// POST /v1/reports/saved (admin): keeps a console query as a user report — an SQL file and a manifest
// entry in DATA/reports/ (the format of docs/reports.md), with the columns the query returns — so
// `earshot report run NAME` and the Reports page pick it up. Built-in names are refused.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RoutePlugin } from '../../context.js';
import { requireAdmin } from '../../auth.js';
import { HttpError } from '../../http-error.js';
import { loadRegistry, userReportsDir } from '../../../reports/registry.js';
import { runConsoleSql } from './sql.js';
import { stripSql } from './sql-guard.js';

interface SavedBody {
  name: string;
  sql: string;
  description?: string;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export const savedReportRoutes: RoutePlugin = (app, ctx) => {
  app.post<{ Body: SavedBody }>(
    '/v1/reports/saved',
    {
      schema: {
        summary: 'Save a console query as a report (admin)',
        description:
          'Writes DATA/reports/NAME.sql and its entry in DATA/reports/manifest.json (group "saved" unless the manifest names another). The SQL must pass the console\'s read-only check and run; the columns it returns are recorded. 400 for a bad name, a built-in report\'s name, or SQL the console refuses. `earshot report run NAME` then publishes it.',
        tags: ['dashboard'],
        body: {
          type: 'object',
          properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' }, sql: { type: 'string', minLength: 1, maxLength: 100_000 }, description: { type: 'string', maxLength: 2000 } },
          required: ['name', 'sql'],
        },
        response: { 201: { type: 'object', properties: { name: { type: 'string' }, file: { type: 'string' }, columns: { type: 'array', items: { type: 'string' } }, replaced: { type: 'boolean' } } } },
      },
    },
    async (req, reply) => {
      requireAdmin(req, ctx.users);
      const { name, description = '' } = req.body;
      const builtIn = loadRegistry().reports.find((r) => r.name === name);
      if (builtIn) throw new HttpError(400, `${name} is a built-in report (${builtIn.group}); choose another name.`);
      const sql = stripSql(req.body.sql);
      const probe = await runConsoleSql(ctx.db, sql, 1);
      const dir = userReportsDir(ctx.dataDir);
      await mkdir(dir, { recursive: true });
      const manifestPath = join(dir, 'manifest.json');
      const manifest = existsSync(manifestPath)
        ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { group?: string; description?: string; reports: Record<string, unknown>[] })
        : { group: 'saved', description: 'Queries saved from the dashboard SQL console.', reports: [] };
      if (!Array.isArray(manifest.reports)) throw new HttpError(400, `${manifestPath} has no "reports" array; fix it by hand first.`);
      const replaced = manifest.reports.some((r) => r['name'] === name);
      const entry = {
        name,
        description: description || 'Saved from the SQL console.',
        parameters: [],
        columns: probe.columns.map((c, i) => ({ name: c, type: probe.types[i] ?? '', description: '' })),
      };
      manifest.reports = [...manifest.reports.filter((r) => r['name'] !== name), entry];
      const file = join(dir, `${name}.sql`);
      await writeAtomic(file, `-- ${entry.description.replace(/\n/g, ' ')}\n-- saved from the dashboard SQL console\n${sql}\n`);
      await writeAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
      return reply.code(201).send({ name, file, columns: probe.columns, replaced });
    },
  );
};
