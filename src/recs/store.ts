// Trained recommenders as plain files under DATA/recs/: one folder per generation (gN/) holding
// context.json (users, items, options, per-strategy metadata) and raw little-endian arrays (*.bin), and
// DATA/recs/current.json naming the live generation. A generation is complete before current.json is
// switched to it by an atomic rename, so readers in other processes never see half a model and need no lock.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EarshotError } from '../util/errors.js';
import type { Csr } from './matrix.js';
import { STRATEGY_LIST } from './strategies/index.js';
import type { Model, RecsContext, Saved, StrategyName } from './types.js';
import type { RecsSource, WeightKind } from './data.js';
import type { Scaler } from '../ml/scaling.js';

type Arr = Float32Array | Float64Array | Int32Array | Uint8Array;
const DTYPES = { f32: Float32Array, f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;
type Dtype = keyof typeof DTYPES;
const dtypeOf = (a: Arr): Dtype => (a instanceof Float32Array ? 'f32' : a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : 'u8');

export const recsDir = (dataDir: string): string => join(dataDir, 'recs');

/** What describes a stored generation besides its arrays. */
export interface StoredInfo {
  readonly generation: string;
  readonly trained_at: string;
  readonly source: RecsSource;
  readonly weight: WeightKind;
  /** Latest play time in the training data (epoch ms; null without times): "recent" is measured back from here. */
  readonly latest: number | null;
  readonly scaler: Scaler;
  readonly strategies: Record<string, { seconds: number; meta: Record<string, unknown> }>;
}

export interface Loaded {
  readonly info: StoredInfo;
  readonly ctx: RecsContext;
  readonly last: Float64Array;
  readonly models: Map<StrategyName, Model>;
}

export class RecsNotTrainedError extends EarshotError {
  constructor(dataDir: string) {
    super(`no trained recommenders in ${recsDir(dataDir)}`, { hint: `run \`earshot recs train --data ${dataDir}\`` });
  }
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes a new generation and makes it current; keeps the previous `keep - 1` generations. */
export function saveRecs(dataDir: string, info: Omit<StoredInfo, 'generation'>, ctx: RecsContext, last: Float64Array, models: ReadonlyMap<StrategyName, Model>, keep = 2): string {
  const dir = recsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const gens = generations(dir);
  const gen = `g${(gens.at(-1) ?? 0) + 1}`;
  const tmp = join(dir, `.${gen}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const files: Record<string, { dtype: Dtype; length: number }> = {};
  const put = (name: string, a: Arr): void => {
    writeFileSync(join(tmp, `${name}.bin`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    files[name] = { dtype: dtypeOf(a), length: a.length };
  };
  const m = ctx.interactions;
  put('ctx.indptr', m.indptr);
  put('ctx.indices', m.indices);
  put('ctx.values', m.values);
  put('ctx.last', last);
  put('ctx.popularity', ctx.popularity);
  put('ctx.features', ctx.features);
  put('ctx.has_features', ctx.hasFeatures);
  const strategies: Record<string, { seconds: number; meta: Record<string, unknown> }> = {};
  for (const [name, model] of models) {
    const s = model.save();
    for (const [k, a] of Object.entries(s.arrays)) put(`${name}.${k}`, a);
    strategies[name] = { seconds: info.strategies[name]?.seconds ?? 0, meta: s.meta };
  }
  const doc = {
    ...info,
    generation: gen,
    strategies,
    users: ctx.users,
    items: ctx.items,
    user_moods: Object.fromEntries([...ctx.userMoods].map(([u, l]) => [u, l])),
    files,
  };
  writeFileSync(join(tmp, 'context.json'), JSON.stringify(doc));
  renameSync(tmp, join(dir, gen));
  writeAtomic(join(dir, 'current.json'), JSON.stringify({ generation: gen, trained_at: info.trained_at }) + '\n');
  for (const g of gens.slice(0, Math.max(0, gens.length - (keep - 1)))) rmSync(join(dir, `g${g}`), { recursive: true, force: true });
  return gen;
}

function generations(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^g(\d+)$/.exec(f)?.[1])
    .filter((x): x is string => !!x)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The live generation's name, or null when nothing is trained. */
export function currentGeneration(dataDir: string): string | null {
  const p = join(recsDir(dataDir), 'current.json');
  if (!existsSync(p)) return null;
  return String((JSON.parse(readFileSync(p, 'utf8')) as { generation: string }).generation);
}

/** Loads the live generation (context and every stored strategy). */
export function loadRecs(dataDir: string): Loaded {
  const gen = currentGeneration(dataDir);
  if (!gen) throw new RecsNotTrainedError(dataDir);
  const dir = join(recsDir(dataDir), gen);
  const doc = JSON.parse(readFileSync(join(dir, 'context.json'), 'utf8')) as StoredInfo & {
    users: string[];
    items: RecsContext['items'];
    user_moods: Record<string, { mood: string; share: number; part: string }[]>;
    files: Record<string, { dtype: Dtype; length: number }>;
  };
  const arr = (name: string): Arr => {
    const f = doc.files[name];
    if (!f) throw new EarshotError(`${dir} lacks ${name}.bin`, { hint: 'retrain: earshot recs train' });
    const buf = readFileSync(join(dir, `${name}.bin`));
    const T = DTYPES[f.dtype];
    const copy = new Uint8Array(f.length * T.BYTES_PER_ELEMENT);
    copy.set(buf.subarray(0, copy.length));
    return new T(copy.buffer);
  };
  const interactions: Csr = { rows: doc.users.length, cols: doc.items.keys.length, indptr: arr('ctx.indptr') as Int32Array, indices: arr('ctx.indices') as Int32Array, values: arr('ctx.values') as Float32Array };
  const ctx: RecsContext = {
    users: doc.users,
    items: doc.items,
    features: arr('ctx.features') as Float32Array,
    hasFeatures: arr('ctx.has_features') as Uint8Array,
    interactions,
    popularity: arr('ctx.popularity') as Float32Array,
    userMoods: new Map(Object.entries(doc.user_moods).map(([u, l]) => [Number(u), l])),
  };
  const models = new Map<StrategyName, Model>();
  for (const s of STRATEGY_LIST) {
    const st = doc.strategies[s.name];
    if (!st) continue;
    const arrays: Saved['arrays'] = {};
    const prefix = `${s.name}.`;
    for (const k of Object.keys(doc.files)) if (k.startsWith(prefix)) arrays[k.slice(prefix.length)] = arr(k) as Float32Array | Int32Array;
    models.set(s.name, s.load(ctx, { meta: st.meta, arrays }, models));
  }
  const info: StoredInfo = { generation: doc.generation, trained_at: doc.trained_at, source: doc.source, weight: doc.weight, latest: doc.latest, scaler: doc.scaler, strategies: doc.strategies };
  return { info, ctx, last: arr('ctx.last') as Float64Array, models };
}
