// Every report earshot knows: the built-in groups (src/reports/<group>/, read from the package, since
// tsc does not copy .sql files into dist) and the data directory's own (DATA/reports/manifest.json).
// A user report with a built-in's name replaces it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../util/errors.js';
import { readManifest, type GroupDoc, type ReportSpec } from './manifest.js';

/** src/reports of the package, from src/reports/*.ts (tsx) and from dist/reports/*.js alike. */
export const BUILTIN_DIR = fileURLToPath(new URL('../../src/reports', import.meta.url));

export const userReportsDir = (dataDir: string): string => join(dataDir, 'reports');

export interface Registry {
  readonly reports: readonly ReportSpec[];
  readonly groups: readonly GroupDoc[];
}

export function loadRegistry(dataDir?: string): Registry {
  const groups: GroupDoc[] = [];
  const byName = new Map<string, ReportSpec>();
  const dirs = readdirSync(BUILTIN_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const d of dirs) {
    const file = join(BUILTIN_DIR, d, 'manifest.json');
    if (!existsSync(file)) continue;
    const m = readManifest(file, 'built-in', d);
    groups.push(...m.groups);
    for (const r of m.reports) byName.set(r.name, r);
  }
  if (dataDir) {
    const file = join(userReportsDir(dataDir), 'manifest.json');
    if (existsSync(file)) {
      let m;
      try {
        m = readManifest(file, 'user');
      } catch (err) {
        throw new UsageError((err as Error).message, { cause: err, hint: 'see docs/reports.md, "Adding your own report"' });
      }
      groups.push(...m.groups.filter((g) => !groups.some((x) => x.name === g.name)));
      for (const r of m.reports) byName.set(r.name, r);
    }
  }
  const reports = [...byName.values()];
  for (const r of reports) if (!groups.some((g) => g.name === r.group)) groups.push({ name: r.group, description: '' });
  return { reports, groups };
}

/** The reports a run asks for: the named ones plus a group's; all when neither is given. */
export function selectReports(reg: Registry, names: readonly string[] = [], group?: string): ReportSpec[] {
  const known = reg.reports.map((r) => r.name);
  for (const n of names) {
    if (!known.includes(n)) throw new UsageError(`unknown report "${n}"`, { hint: `reports: ${known.join(', ')} (earshot report list)` });
  }
  if (group && !reg.reports.some((r) => r.group === group)) {
    throw new UsageError(`unknown report group "${group}"`, { hint: `groups: ${reg.groups.map((g) => g.name).join(', ')}` });
  }
  if (!names.length && !group) return [...reg.reports];
  return reg.reports.filter((r) => names.includes(r.name) || r.group === group);
}
