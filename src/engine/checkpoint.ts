// Checkpoints: the source position and the whole engine state in one file, written atomically (a temp
// file, fsync, rename over the old one, fsync the folder), so a crash leaves either the old checkpoint
// or the new one, never a mix. Layout (docs/engine.md):
//   "EARSHOT-CKPT\n" · u32 header length · header JSON · 8-byte-aligned section bytes ...
// The header names the source, its position, the engine config and where each section lies.
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EngineConfig } from './config.js';
import { SnapshotReader, type Section, type SnapshotWriter } from './snapshot.js';
import type { SourcePosition } from './types.js';
import { EarshotError } from '../util/errors.js';

const MAGIC = Buffer.from('EARSHOT-CKPT\n');
/** 2: the dictionaries as binary sections (src/engine/string-encoding.ts); 1 (still read): as JSON. */
export const CHECKPOINT_VERSION = 2;
const READS = [1, 2];

export interface CheckpointHeader {
  readonly version: number;
  readonly createdAt: string;
  readonly sourceId: string;
  readonly position: SourcePosition | null;
  readonly config: EngineConfig;
  readonly sections: readonly { name: string; kind: Section['kind']; offset: number; length: number }[];
}

export interface Checkpoint {
  readonly header: CheckpointHeader;
  readonly state: SnapshotReader;
  readonly bytes: number;
}

export class CheckpointError extends EarshotError {}

export function checkpointPath(dataDir: string): string {
  return join(dataDir, 'checkpoints', 'engine.ckpt');
}

const align8 = (n: number): number => (n + 7) & ~7;

/** Writes the checkpoint atomically; returns its size in bytes. */
export async function writeCheckpoint(
  path: string,
  meta: { sourceId: string; position: SourcePosition | null; config: EngineConfig },
  state: SnapshotWriter,
): Promise<number> {
  let offset = 0;
  const sections = state.sections.map((s) => {
    const e = { name: s.name, kind: s.kind, offset, length: s.bytes.byteLength };
    offset = align8(offset + s.bytes.byteLength);
    return e;
  });
  const header: CheckpointHeader = { version: CHECKPOINT_VERSION, createdAt: new Date().toISOString(), ...meta, sections };
  const hjson = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(hjson.byteLength);
  const pre = MAGIC.byteLength + 4 + hjson.byteLength;
  const pad = align8(pre) - pre;
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    const parts: Uint8Array[] = [MAGIC, len, hjson, Buffer.alloc(pad)];
    for (const s of state.sections) {
      parts.push(s.bytes);
      const p = align8(s.bytes.byteLength) - s.bytes.byteLength;
      if (p) parts.push(Buffer.alloc(p));
    }
    await fh.writev(parts);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return align8(pre) + offset;
}

export async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  if (!existsSync(path)) return null;
  const buf = await readFile(path);
  if (buf.byteLength < MAGIC.byteLength + 4 || !buf.subarray(0, MAGIC.byteLength).equals(MAGIC)) {
    throw new CheckpointError(`${path} is not an earshot checkpoint`, { hint: 'remove it, or run with --fresh to start over' });
  }
  const hlen = buf.readUInt32LE(MAGIC.byteLength);
  const hstart = MAGIC.byteLength + 4;
  const header = JSON.parse(buf.subarray(hstart, hstart + hlen).toString('utf8')) as CheckpointHeader;
  if (!READS.includes(header.version)) {
    throw new CheckpointError(`${path} has checkpoint version ${header.version}; this earshot reads versions ${READS.join(' and ')}`, { hint: 'run with --fresh to rebuild the views' });
  }
  const base = align8(hstart + hlen);
  const map = new Map<string, Section>();
  for (const s of header.sections) map.set(s.name, { name: s.name, kind: s.kind, bytes: buf.subarray(base + s.offset, base + s.offset + s.length) });
  return { header, state: new SnapshotReader(map), bytes: buf.byteLength };
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
