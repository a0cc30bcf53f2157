// JetStream for real, against the NATS server on this machine (random stream names; under CI=true an
// unreachable server fails the run, elsewhere these tests skip and say how to start one):
//  - listens published from a file and consumed from the stream give the views a lake replay of the same
//    file gives;
//  - the engine killed with SIGKILL in the middle of a replay from JetStream and restarted ends with views
//    equal to an uninterrupted run's: nothing lost, nothing counted twice;
//  - acknowledgements follow checkpoints, a second publish of the same file is de-duplicated by message id,
//    and a malformed message is counted as rejected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { checkpointPath, readCheckpoint } from '../src/engine/checkpoint.js';
import { Dicts } from '../src/engine/dict.js';
import { fileSourceId, openFileSource } from '../src/engine/sources/file.js';
import { connectNats, parseNatsUrl, type NatsTarget } from '../src/engine/sources/nats/connect.js';
import { publishFrom, type PublishSummary } from '../src/engine/sources/nats/publish.js';
import { generateWorld } from '../src/generate/index.js';
import { runImport } from '../src/import/run.js';
import { tempDir } from './helpers/lake.js';
import { NATS_HOST, needsNats, randomStream, streamFrom, streamLake, viewDiffs } from './helpers/stream.js';

const nats = await needsNats();

async function publish(files: string[], t: NatsTarget, batch = 250): Promise<PublishSummary> {
  const dicts = new Dicts();
  const source = await openFileSource({ inputs: files, dicts, from: null });
  return publishFrom(source, dicts, { target: t, batch, inputId: fileSourceId(files) });
}

function assertNoDiffs(d: Awaited<ReturnType<typeof viewDiffs>>, skip: string[] = []): void {
  for (const [view, x] of Object.entries(d)) {
    if (skip.includes(view)) continue;
    assert.deepEqual({ missing: x.missing, extra: x.extra }, { missing: 0, extra: 0 }, `${view}: ${JSON.stringify(x.examples)}`);
  }
}

describe('JetStream', nats, () => {
  let dir = '';
  let files: string[] = [];
  let target: NatsTarget;
  let published: PublishSummary;
  let reference = '';
  let cleanup: () => Promise<void> = async () => undefined;

  before(async () => {
    const t = await tempDir('earshot-nats-');
    dir = t.dir;
    cleanup = t.cleanup;
    const world = join(dir, 'world');
    const g = await generateWorld({ out: world, users: 80, tracks: 800, events: 24_000, days: 4, seed: 21, format: 'events', dirty: 0 });
    files = g.files;
    target = parseNatsUrl(`nats://${NATS_HOST}/${randomStream()}`);
    published = await publish(files, target);
    // The uninterrupted run every other one is compared with.
    reference = join(dir, 'reference');
    const r = await streamFrom(reference, { kind: 'nats', target, consumer: 'reference' });
    assert.equal(r.counters['accepted'], 24_000);
  });
  after(async () => {
    const { nc, jsm } = await connectNats(target, 'earshot-test-cleanup');
    await jsm.streams.delete(target.stream).catch(() => undefined);
    await nc.close();
    await cleanup();
  });

  test('published in batches per message, every listen arrives once', () => {
    assert.equal(published.listens, 24_000);
    // 250 listens per message (a shorter one where a read batch of the file ends).
    assert.ok(published.messages >= 96 && published.messages <= 100, `${published.messages} messages`);
    assert.equal(published.lastSeq! - published.firstSeq! + 1, published.messages);
  });

  test('views from JetStream equal a lake replay of the same files', async () => {
    const lake = join(dir, 'lake');
    await runImport({ inputs: files, dataDir: lake });
    await streamLake(lake);
    assertNoDiffs(await viewDiffs(lake, reference), ['counters']);
  });

  test('killed with SIGKILL mid-replay and restarted, the views equal an uninterrupted run', async () => {
    const data = join(dir, 'killed');
    const args = ['--import', 'tsx', 'test/helpers/earshot-cli.ts', 'stream', '--source', target.url.replace('nats://', 'nats://'), '--consumer', 'crashy', '--data', data, '--until-idle', '--idle', '1s', '--checkpoint-every', '100ms', '--emit-every', '50ms'];
    // Paced so the replay takes about 10 s: 4 days of listens at 35,000× real time.
    const child = spawn(process.execPath, [...args, '--speed', '35000'], { stdio: 'ignore' });
    const ckpt = checkpointPath(data);
    const deadline = Date.now() + 40_000;
    let seq = 0;
    while (Date.now() < deadline && seq < 20) {
      await new Promise((r) => setTimeout(r, 200));
      const ck = existsSync(ckpt) ? await readCheckpoint(ckpt).catch(() => null) : null;
      const p = ck?.header.position;
      if (p?.kind === 'nats') seq = p.seq - published.firstSeq! + 1;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(seq >= 20 && seq < published.messages, `killed mid-replay, after message ${seq} of ${published.messages} was checkpointed`);
    // The killed consumer had messages delivered and not acknowledged; the restart re-reads from the checkpoint.
    const code = await new Promise<number | null>((resolve) => spawn(process.execPath, args, { stdio: 'ignore' }).once('exit', resolve));
    assert.equal(code, 0);
    assertNoDiffs(await viewDiffs(reference, data));
  });

  test('acks follow checkpoints; a second publish is de-duplicated; a malformed message is rejected', async () => {
    const { nc, jsm } = await connectNats(target, 'earshot-test');
    try {
      const info = await jsm.consumers.info(target.stream, 'reference');
      assert.equal(info.num_ack_pending, 0);
      assert.equal(info.ack_floor.stream_seq, published.lastSeq);
      const again = await publish(files, target);
      assert.equal(again.duplicateMessages, published.messages, 'the stream already holds every message id');
      await jetstream(nc).publish(target.subject, new TextEncoder().encode('{"v":1,"n":3,"u":[0]}'));
      const r = await streamFrom(reference, { kind: 'nats', target, consumer: 'reference' });
      assert.ok(r.resumed);
      assert.equal(r.counters['accepted'], 24_000, 'nothing counted twice');
      assert.equal(r.counters['rejected'], 3);
    } finally {
      await nc.close();
    }
  });
});
