// Answers of the dashboard's lake aggregates, kept while the lake is unchanged: the key is the request,
// the version is the ingest sequence (every acknowledged listen moves it) and the import log's mtime
// (every `earshot import` appends to it). An answer younger than `graceMs` is reused even if the
// version moved, so a steady stream of submits does not recompute the overview on every load (the live
// part of the page shows those listens). Concurrent misses share one computation.
import { existsSync, statSync } from 'node:fs';
import type { ServerContext } from '../../context.js';
import { dataPaths } from '../../../lake/paths.js';

interface Entry {
  readonly version: string;
  readonly at: number;
  readonly value: Promise<unknown>;
}

export class LakeCache {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly version: () => string,
    private readonly graceMs = 5_000,
    private readonly max = 500,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const v = this.version();
    const now = Date.now();
    const e = this.entries.get(key);
    if (e && (e.version === v || now - e.at < this.graceMs)) return e.value as Promise<T>;
    const value = compute();
    this.entries.delete(key);
    this.entries.set(key, { version: v, at: now, value });
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

const caches = new WeakMap<ServerContext, LakeCache>();

/** The server's one cache of lake aggregates. */
export function lakeCache(ctx: ServerContext): LakeCache {
  let c = caches.get(ctx);
  if (!c) {
    const imports = dataPaths(ctx.dataDir).imports;
    c = new LakeCache(() => `${ctx.ingest.seq}|${existsSync(imports) ? statSync(imports).mtimeMs : 0}`);
    caches.set(ctx, c);
  }
  return c;
}
