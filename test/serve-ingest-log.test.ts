// The server's ingest log (src/serve/ingest/log.ts): records come back in order after a reopen, a torn
// last frame (a crash mid-append, never acknowledged) is cut off, damage before the end is an error that
// names the file, and a release deletes only segments every listen of which is at or below its number.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { frame, IngestLog, LogError } from '../src/serve/ingest/log.js';
import { tempDir } from './helpers/lake.js';

/** A record of listens seq..seq+n-1 whose payload names them. */
const rec = (seq: number, n: number) => ({ seq, n, extra: seq % 2 === 0, payload: Buffer.from(JSON.stringify({ seq, n, text: `listens ${seq}-${seq + n - 1} ✓` })) });

async function append(log: IngestLog, ...recs: ReturnType<typeof rec>[]): Promise<void> {
  const last = recs.at(-1)!;
  await log.append(recs[0]!.seq, recs.map(frame), last.seq + last.n - 1);
}

async function readAll(log: IngestLog, after = 0): Promise<{ seq: number; n: number; payload: string }[]> {
  const out = [];
  for await (const r of log.records(after)) {
    assert.equal(r.extra, r.seq % 2 === 0, 'the record keeps its flag');
    out.push({ seq: r.seq, n: r.n, payload: r.payload.toString() });
  }
  return out;
}

const segments = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();

describe('ingest log', () => {
  it('gives back every record in order after a reopen, from any sequence number', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const log = await IngestLog.open(dir);
      assert.equal(log.lastSeq, 0);
      await append(log, rec(1, 3), rec(4, 1));
      await append(log, rec(5, 1000));
      await log.close();
      const again = await IngestLog.open(dir);
      assert.equal(again.lastSeq, 1004);
      const all = await readAll(again);
      assert.deepEqual(all.map((r) => [r.seq, r.n]), [[1, 3], [4, 1], [5, 1000]]);
      assert.equal(JSON.parse(all[2]!.payload).text, 'listens 5-1004 ✓');
      // After 3: the record of 1-3 is done; one that holds 4 onwards is not.
      assert.deepEqual((await readAll(again, 3)).map((r) => r.seq), [4, 5]);
      assert.deepEqual((await readAll(again, 1004)).map((r) => r.seq), []);
      // Appends after a reopen go on in the same order.
      await append(again, rec(1005, 2));
      assert.deepEqual((await readAll(again, 1000)).map((r) => r.seq), [5, 1005]);
      await again.close();
    } finally {
      await cleanup();
    }
  });

  it('cuts a torn last frame off on open, and appends after it', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const log = await IngestLog.open(dir);
      await append(log, rec(1, 2));
      await append(log, rec(3, 5));
      await log.close();
      const [seg] = await segments(dir);
      const file = join(dir, seg!);
      const whole = (await stat(file)).size;
      // The second record half written: its frame runs past the end of the file.
      await truncate(file, whole - 7);
      const reopened = await IngestLog.open(dir);
      assert.deepEqual((await readAll(reopened)).map((r) => [r.seq, r.n]), [[1, 2]]);
      assert.equal(reopened.lastSeq, 2);
      assert.equal((await stat(file)).size, 24 + rec(1, 2).payload.length, 'the file ends after the last whole frame');
      await append(reopened, rec(3, 1), rec(4, 1));
      assert.deepEqual((await readAll(reopened)).map((r) => [r.seq, r.n]), [[1, 2], [3, 1], [4, 1]]);
      await reopened.close();
      // Appends after a reopen go to a segment of their own. A last frame of the last segment whose bytes
      // were damaged (its CRC does not match) is cut off too.
      const last = join(dir, (await segments(dir)).at(-1)!);
      assert.notEqual(last, file);
      const bytes = await readFile(last);
      bytes[bytes.length - 3]! ^= 0xff;
      await writeFile(last, bytes);
      const third = await IngestLog.open(dir);
      assert.deepEqual((await readAll(third)).map((r) => r.seq), [1, 3]);
      assert.equal(third.lastSeq, 3);
      await third.close();
    } finally {
      await cleanup();
    }
  });

  it('refuses a damaged frame before the last segment, naming the file', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const log = await IngestLog.open(dir);
      await append(log, rec(1, 2), rec(3, 2));
      await log.release(0); // nothing to release; the segment stays the active one
      await log.close();
      // A second segment (as after a flush rotated the log), then damage in the first.
      await appendFile(join(dir, 'seg-0000000000000005.log'), frame(rec(5, 1)));
      const [first] = await segments(dir);
      const bytes = await readFile(join(dir, first!));
      bytes[30]! ^= 0xff;
      await writeFile(join(dir, first!), bytes);
      const damaged = await IngestLog.open(dir);
      await assert.rejects(readAll(damaged), (e: unknown) => e instanceof LogError && e.message.includes(first!));
      await damaged.close();
    } finally {
      await cleanup();
    }
  });

  it('releases only segments whose every listen is at or below the number, and rotates the one in use', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const log = await IngestLog.open(dir);
      await append(log, rec(1, 10));
      await log.release(5); // listens 6-10 are not in the lake yet: the segment stays
      assert.equal((await segments(dir)).length, 1);
      await log.release(10); // all of it: deleted, and the next append starts a new segment
      assert.deepEqual(await segments(dir), []);
      await append(log, rec(11, 5));
      await append(log, rec(16, 5));
      assert.deepEqual(await segments(dir), ['seg-0000000000000011.log']);
      await log.release(12);
      assert.deepEqual(await segments(dir), ['seg-0000000000000011.log']);
      await log.close();
      const again = await IngestLog.open(dir);
      assert.deepEqual((await readAll(again, 12)).map((r) => r.seq), [11, 16]);
      assert.equal(again.lastSeq, 20);
      await again.close();
    } finally {
      await cleanup();
    }
  });
});
