// Every source behind one interface (src/engine/types.ts StreamSource), chosen by --source:
//   lake                      replay (and tail) of DATA's lake in event-time order
//   file:PATH[,PATH...]       replay of importable files in file order
//   generator[:k=v,...]       the synthetic world, live (start=now, speed 1) or replayed
//   nats://HOST:PORT/STREAM   a JetStream stream through a durable pull consumer
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { UsageError } from '../../util/errors.js';
import type { Dicts } from '../dict.js';
import type { SourcePosition, StreamSource } from '../types.js';
import { fileSourceId, openFileSource } from './file.js';
import { generatorId, openGeneratorSource, parseGeneratorOptions, type GeneratorOptions } from './generator.js';
import { openLakeSource } from './lake.js';
import { parseNatsUrl, type NatsTarget } from './nats/connect.js';
import { natsSourceId, openNatsSource } from './nats/source.js';

export type SourceSpec =
  | { readonly kind: 'lake' }
  | { readonly kind: 'file'; readonly paths: readonly string[]; readonly user?: string; readonly format?: string }
  | { readonly kind: 'generator'; readonly options: GeneratorOptions }
  | { readonly kind: 'nats'; readonly target: NatsTarget; readonly consumer: string }
  /** Any other source (benchmarks, tests): its identity and how to open it. */
  | { readonly kind: 'custom'; readonly id: string; readonly open: (c: OpenContext) => Promise<StreamSource> };

/** The durable consumer a data directory uses by default: one per data directory. */
export function defaultConsumer(dataDir: string): string {
  return `earshot-${createHash('sha1').update(resolve(dataDir)).digest('hex').slice(0, 10)}`;
}

export function parseSourceSpec(text: string, o: { dataDir: string; consumer?: string; user?: string; format?: string } = { dataDir: '.' }): SourceSpec {
  if (text === 'lake') return { kind: 'lake' };
  if (text.startsWith('file:')) {
    const paths = text.slice(5).split(',').filter(Boolean);
    if (paths.length === 0) throw new UsageError('--source file: needs a path, e.g. file:listening_logs.csv');
    return { kind: 'file', paths, ...(o.user ? { user: o.user } : {}), ...(o.format ? { format: o.format } : {}) };
  }
  if (text === 'generator' || text.startsWith('generator:')) return { kind: 'generator', options: parseGeneratorOptions(text.slice(10)) };
  if (text.startsWith('nats://')) {
    const consumer = o.consumer ?? defaultConsumer(o.dataDir);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(consumer)) throw new UsageError(`--consumer "${consumer}": letters, digits, _ and - only`);
    return { kind: 'nats', target: parseNatsUrl(text), consumer };
  }
  throw new UsageError(`unknown source "${text}"`, { hint: 'use lake, file:PATH, generator or nats://HOST:PORT/STREAM' });
}

export function sourceId(s: SourceSpec): string {
  switch (s.kind) {
    case 'lake':
      return 'lake';
    case 'file':
      return fileSourceId(s.paths);
    case 'generator':
      return generatorId(s.options);
    case 'nats':
      return natsSourceId(s.target, s.consumer);
    case 'custom':
      return s.id;
  }
}

export interface OpenContext {
  readonly dataDir: string;
  readonly dicts: Dicts;
  readonly from: SourcePosition | null;
  readonly untilIdle: boolean;
  readonly idleMs: number;
}

export async function openSource(s: SourceSpec, c: OpenContext): Promise<StreamSource> {
  switch (s.kind) {
    case 'lake':
      return openLakeSource({ dataDir: c.dataDir, dicts: c.dicts, from: c.from, untilIdle: c.untilIdle });
    case 'file':
      return openFileSource({ inputs: s.paths, dicts: c.dicts, from: c.from, labelsFrom: c.dataDir, dataDir: c.dataDir, ...(s.user ? { user: s.user } : {}), ...(s.format ? { format: s.format } : {}) });
    case 'generator':
      return openGeneratorSource({ options: s.options, dicts: c.dicts, from: c.from });
    case 'nats':
      return openNatsSource({ target: s.target, consumer: s.consumer, dicts: c.dicts, from: c.from, untilIdle: c.untilIdle, idleMs: c.idleMs });
    case 'custom':
      return s.open(c);
  }
}
