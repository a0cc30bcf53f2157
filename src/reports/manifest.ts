// Report manifests: a manifest.json beside the SQL files declares each report's name, group,
// description, parameters (name, type, default, description) and output columns. The built-in ones
// live in src/reports/<group>/manifest.json; a data directory may add DATA/reports/manifest.json.
// An entry that does not make sense becomes a report with a `problem`, which fails when it is run,
// so one broken user report never stops the others.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { PARAM_TYPES, STANDARD_PARAMS, checkParam, type ParamSpec, type ParamType } from './params.js';

export interface ColumnDoc {
  readonly name: string;
  /** The DuckDB type the column has (informational). */
  readonly type: string;
  readonly description: string;
}

export interface ReportSpec {
  readonly name: string;
  readonly group: string;
  readonly description: string;
  /** Declared parameters, without the standard from, to, tz. */
  readonly parameters: readonly ParamSpec[];
  readonly columns: readonly ColumnDoc[];
  /** What the run says when the report has no rows ({param} is replaced by its value). */
  readonly whenEmpty?: string;
  readonly sqlPath: string;
  readonly origin: 'built-in' | 'user';
  /** Why this entry cannot run, when its manifest entry is broken. */
  readonly problem?: string;
}

export interface GroupDoc {
  readonly name: string;
  readonly description: string;
}

export interface Manifest {
  readonly file: string;
  readonly groups: GroupDoc[];
  readonly reports: ReportSpec[];
}

const NAME = /^[a-z][a-z0-9_]*$/;
const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function param(raw: unknown): ParamSpec {
  if (!obj(raw)) throw new Error(`a parameter must be an object with name, type, default, description`);
  const name = text(raw['name']);
  if (!NAME.test(name)) throw new Error(`parameter name "${name}" must be lower-case letters, digits and _`);
  if (STANDARD_PARAMS.some((p) => p.name === name)) throw new Error(`parameter ${name} is standard (--${name}); do not declare it`);
  const type = text(raw['type']) as ParamType;
  if (!PARAM_TYPES.includes(type)) throw new Error(`parameter ${name} has type "${type}"; types: ${PARAM_TYPES.join(', ')}`);
  const def = raw['default'] ?? null;
  if (def !== null && !['string', 'number', 'boolean'].includes(typeof def)) throw new Error(`parameter ${name}: default must be a string, number, boolean or null`);
  const spec: ParamSpec = {
    name,
    type,
    default: def as ParamSpec['default'],
    description: text(raw['description']),
    ...(typeof raw['min'] === 'number' ? { min: raw['min'] } : {}),
    ...(typeof raw['max'] === 'number' ? { max: raw['max'] } : {}),
  };
  const checked = checkParam(spec, spec.default);
  if ('error' in checked) throw new Error(`parameter ${name}: default ${checked.error}`);
  return spec;
}

function column(raw: unknown): ColumnDoc {
  if (typeof raw === 'string') return { name: raw, type: '', description: '' };
  if (!obj(raw) || !text(raw['name'])) throw new Error(`a column must be an object with name, type, description`);
  return { name: text(raw['name']), type: text(raw['type']), description: text(raw['description']) };
}

function entry(raw: unknown, index: number, dir: string, defaultGroup: string, origin: ReportSpec['origin']): ReportSpec {
  const name = obj(raw) ? text(raw['name']) : '';
  const fallback: ReportSpec = { name: name || `#${index + 1}`, group: defaultGroup, description: '', parameters: [], columns: [], sqlPath: '', origin };
  try {
    if (!obj(raw)) throw new Error('an entry must be an object');
    if (!NAME.test(name)) throw new Error(`name "${name}" must be lower-case letters, digits and _ (it names the output folder and table)`);
    const group = text(raw['group']) || defaultGroup;
    if (!/^[a-z][a-z0-9-]*$/.test(group)) throw new Error(`group "${group}" must be lower-case letters, digits and -`);
    const sqlFile = text(raw['sql']) || `${name}.sql`;
    const sqlPath = isAbsolute(sqlFile) ? sqlFile : join(dir, sqlFile);
    const params = Array.isArray(raw['parameters']) ? raw['parameters'].map((p) => param(p)) : [];
    const names = params.map((p) => p.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new Error(`parameter ${dup} is declared twice`);
    const columns = Array.isArray(raw['columns']) ? raw['columns'].map((c) => column(c)) : [];
    const spec: ReportSpec = {
      name,
      group,
      description: text(raw['description']),
      parameters: params,
      columns,
      ...(text(raw['when_empty']) ? { whenEmpty: text(raw['when_empty']) } : {}),
      sqlPath,
      origin,
    };
    return existsSync(sqlPath) ? spec : { ...spec, problem: `its SQL file ${sqlPath} does not exist` };
  } catch (err) {
    return { ...fallback, problem: `bad manifest entry: ${(err as Error).message}` };
  }
}

/** Reads one manifest.json. Throws only when the file is not a JSON object with a `reports` array. */
export function readManifest(file: string, origin: ReportSpec['origin'], defaultGroup = 'user'): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!obj(raw) || !Array.isArray(raw['reports'])) throw new Error(`${file}: expected {"group": ..., "reports": [...]}`);
  const group = text(raw['group']) || defaultGroup;
  const groups: GroupDoc[] = text(raw['group']) ? [{ name: group, description: text(raw['description']) }] : [];
  const reports = raw['reports'].map((r, i) => entry(r, i, dirname(file), group, origin));
  return { file, groups, reports };
}
