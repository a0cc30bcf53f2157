// Checkpoints and resume without a broker: the checkpoint file round-trips the whole state; a run stopped
// half-way (gracefully, or killed with SIGKILL as a child process) and resumed ends with views equal to an
// uninterrupted run's; a damaged checkpoint and a changed configuration are refused with a hint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointPath, readCheckpoint, writeCheckpoint, CheckpointError } from '../src/engine/checkpoint.js';
import { Dicts } from '../src/engine/dict.js';
import { SnapshotWriter } from '../src/engine/snapshot.js';
import { DEFAULT_CONFIG, parseConfig } from '../src/engine/config.js';
import { runStream } from '../src/engine/runner.js';
import type { SourceSpec } from '../src/engine/sources/index.js';
import { parseGeneratorOptions } from '../src/engine/sources/generator.js';
import { tempDir } from './helpers/lake.js';
import { viewCount, viewDiffs } from './helpers/stream.js';

const GEN = 'users=80,tracks=800,events=30000,days=4,seed=9,start=2026-03-01';
const source: SourceSpec = { kind: 'generator', options: parseGeneratorOptions(GEN) };
let dir = '';
let cleanup: () => Promise<void> = async () => undefined;
let reference = '';

before(async () => {
  const t = await tempDir('earshot-ckpt-');
  dir = t.dir;
  cleanup = t.cleanup;
  reference = join(dir, 'reference');
  const r = await runStream({ dataDir: reference, source, config: DEFAULT_CONFIG, speed: 'max', untilIdle: true });
  assert.equal(r.counters['accepted'], 30_000);
});
after(() => cleanup());

function assertNoDiffs(d: Awaited<ReturnType<typeof viewDiffs>>): void {
  for (const [view, x] of Object.entries(d)) assert.deepEqual({ missing: x.missing, extra: x.extra }, { missing: 0, extra: 0 }, `${view}: ${JSON.stringify(x.examples)}`);
}

test('a run stopped half-way and resumed equals an uninterrupted run', async () => {
  const data = join(dir, 'stopped');
  const ac = new AbortController();
  const first = await runStream({
    dataDir: data, source, config: DEFAULT_CONFIG, speed: 'max', untilIdle: true, checkpointEveryMs: 20, emitEveryMs: 10, signal: ac.signal,
    progressEveryMs: 0, onProgress: (p) => (p.counters['events_in']! > 9000 ? ac.abort() : undefined),
  });
  assert.ok(first.counters['events_in']! < 30_000, `stopped early (${first.counters['events_in']})`);
  const ck = await readCheckpoint(checkpointPath(data));
  assert.equal(ck?.header.position?.kind, 'generator');
  const second = await runStream({ dataDir: data, source, config: DEFAULT_CONFIG, speed: 'max', untilIdle: true });
  assert.ok(second.resumed);
  assert.equal(second.counters['accepted'], 30_000);
  assertNoDiffs(await viewDiffs(reference, data));
});

test('a run killed with SIGKILL mid-replay and restarted equals an uninterrupted run', async () => {
  const data = join(dir, 'killed');
  const args = ['--import', 'tsx', 'test/helpers/earshot-cli.ts', 'stream', '--source', `generator:${GEN}`, '--data', data, '--until-idle', '--checkpoint-every', '100ms', '--emit-every', '50ms'];
  // Paced: 4 days of listens at 40,000× real time take about 9 s, so the kill lands mid-replay.
  const child = spawn(process.execPath, [...args, '--speed', '40000'], { stdio: 'ignore' });
  const ckpt = checkpointPath(data);
  const deadline = Date.now() + 40_000;
  let seen: number | null = null;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const ck = existsSync(ckpt) ? await readCheckpoint(ckpt).catch(() => null) : null;
    const pos = ck?.header.position;
    if (pos?.kind === 'generator' && pos.seq > 3000) {
      seen = pos.seq;
      break;
    }
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(seen !== null, 'the child checkpointed before it was killed');
  const at = (await readCheckpoint(ckpt))!.header.position;
  assert.ok(at?.kind === 'generator' && at.seq < 30_000, `killed mid-replay (checkpoint at ${JSON.stringify(at)})`);
  // Restart to the end (as fast as possible), from the checkpoint the killed run left.
  const res = await new Promise<number | null>((resolve) => spawn(process.execPath, args, { stdio: 'ignore' }).once('exit', resolve));
  assert.equal(res, 0);
  assert.ok((await viewCount(data, 'trending_tracks')) > 0);
  assertNoDiffs(await viewDiffs(reference, data));
});

/** Where a checkpoint file's sections begin: after the 13-byte magic, the header's length and the header, 8-aligned (src/engine/checkpoint.ts). */
const sectionsStart = (file: Buffer): number => (13 + 4 + file.readUInt32LE(13) + 7) & ~7;
/** A version-2 checkpoint file's bytes with another version in its header (the same length, so nothing moves). */
const withVersion = (file: Buffer, v: number): Buffer => Buffer.from(file.toString('latin1').replace('"version":2', `"version":${v}`), 'latin1');

test('a version-1 checkpoint (the dictionaries as one JSON section) still resumes, and a newer version is refused', async () => {
  const data = join(dir, 'v1');
  const ac = new AbortController();
  await runStream({
    dataDir: data, source, config: DEFAULT_CONFIG, speed: 'max', untilIdle: true, checkpointEveryMs: 20, emitEveryMs: 10, signal: ac.signal,
    progressEveryMs: 0, onProgress: (p) => (p.counters['events_in']! > 9000 ? ac.abort() : undefined),
  });
  const path = checkpointPath(data);
  const ck = (await readCheckpoint(path))!;
  assert.equal(ck.header.version, 2);
  // Rewrite it as version 1 wrote it: every section as it is but the dictionaries, which become one JSON value.
  const file = await readFile(path);
  const base = sectionsStart(file);
  const dicts = new Dicts();
  dicts.read(ck.state.scope('dicts'));
  const w = new SnapshotWriter();
  w.json('dicts', dicts.toJSON());
  for (const s of ck.header.sections) {
    if (!s.name.startsWith('dicts.')) w.sections.push({ name: s.name, kind: s.kind, bytes: file.subarray(base + s.offset, base + s.offset + s.length) });
  }
  await writeCheckpoint(path, { sourceId: ck.header.sourceId, position: ck.header.position, config: ck.header.config }, w);
  await writeFile(path, withVersion(await readFile(path), 1));
  assert.equal((await readCheckpoint(path))!.header.version, 1);
  const second = await runStream({ dataDir: data, source, config: DEFAULT_CONFIG, speed: 'max', untilIdle: true });
  assert.ok(second.resumed);
  assert.equal(second.counters['accepted'], 30_000);
  assertNoDiffs(await viewDiffs(reference, data));
  // The resumed run wrote its checkpoints in the current version; one from a later earshot is refused.
  assert.equal((await readCheckpoint(path))!.header.version, 2);
  await writeFile(path, withVersion(await readFile(path), 9));
  await assert.rejects(readCheckpoint(path), (e: Error & { hint?: string }) => /checkpoint version 9; this earshot reads versions 1 and 2/.test(e.message) && /--fresh/.test(e.hint ?? ''));
});

test('a checkpoint whose dictionary section is damaged is refused with its path and a hint, and --fresh rebuilds', async () => {
  const small: SourceSpec = { kind: 'generator', options: parseGeneratorOptions('users=10,tracks=40,events=500,days=1,seed=3,start=2026-03-01') };
  const data = join(dir, 'damaged');
  await runStream({ dataDir: data, source: small, config: DEFAULT_CONFIG, speed: 'max', untilIdle: true });
  const path = checkpointPath(data);
  const ck = (await readCheckpoint(path))!;
  const file = await readFile(path);
  const base = sectionsStart(file);
  const lens = ck.header.sections.find((s) => s.name === 'dicts.tracks.lens')!;
  file.writeInt32LE(1_000_000, base + lens.offset);
  await writeFile(path, file);
  await assert.rejects(
    runStream({ dataDir: data, source: small, config: DEFAULT_CONFIG, speed: 'max', untilIdle: true }),
    (e: Error & { hint?: string }) => e instanceof CheckpointError && e.message.startsWith(`${path} is damaged: string 0 runs past the end of its section`) && /--fresh/.test(e.hint ?? ''),
  );
  const again = await runStream({ dataDir: data, source: small, config: DEFAULT_CONFIG, speed: 'max', untilIdle: true, fresh: true });
  assert.equal(again.counters['accepted'], 500);
});

test('the checkpoint round-trips; a damaged one or other settings are refused with a hint', async () => {
  const ckpt = checkpointPath(reference);
  const ck = await readCheckpoint(ckpt);
  assert.ok(ck);
  assert.equal(ck.header.sourceId, `generator:${GEN}`);
  assert.deepEqual(ck.header.config, DEFAULT_CONFIG);
  assert.deepEqual(ck.header.position, { kind: 'generator', seq: 30_000, startMs: Date.UTC(2026, 2, 1) });
  assert.ok(!existsSync(`${ckpt}.tmp-${process.pid}`));
  await assert.rejects(
    runStream({ dataDir: reference, source, config: parseConfig({ lateness: '1m' }), untilIdle: true }),
    (e: Error & { hint?: string }) => /other settings/.test(e.message) && /--fresh/.test(e.hint ?? ''),
  );
  await assert.rejects(
    runStream({ dataDir: reference, source: { kind: 'lake' }, config: DEFAULT_CONFIG, untilIdle: true }),
    (e: Error & { hint?: string }) => /built from generator/.test(e.message) && /--fresh/.test(e.hint ?? ''),
  );
  const bytes = await readFile(ckpt);
  await writeFile(ckpt, bytes.subarray(0, 10));
  await assert.rejects(readCheckpoint(ckpt), CheckpointError);
});
