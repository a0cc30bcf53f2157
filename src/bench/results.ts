// bench/results.json: every benchmark's latest figures with the machine they ran on. Each run merges
// its entries in, so issues add benchmarks without erasing the others.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';

export interface BenchEntry {
  readonly name: string;
  readonly description: string;
  readonly figures: Record<string, number | string | boolean | null>;
  readonly target?: string;
  readonly pass?: boolean;
  readonly command: string;
  readonly at: string;
}

export function machine(): Record<string, string | number> {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}

export function writeResults(path: string, entries: readonly BenchEntry[]): void {
  const old = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { benchmarks?: Record<string, BenchEntry> }) : {};
  const benchmarks = { ...(old.benchmarks ?? {}) };
  for (const e of entries) benchmarks[e.name] = e;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ machine: machine(), updated: new Date().toISOString(), benchmarks }, null, 2) + '\n');
}
