// Worker threads that read large POST /v1/listens bodies (parse-worker.ts): JSON.parse, the checks, the
// md5 ids and the log payload of a 1,000-listen body are ~4 µs a listen, which on the event loop left
// bulk ingest bound to one core while the other waited. A body goes to the worker with the fewest in
// hand; its bytes move there, its ids and payload move back.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { moduleBeside, startModuleWorker } from '../../util/worker.js';
import type { BulkRead, BulkRequest } from './bulk-body.js';

type Reply = { id: number; ok: true; read: BulkRead } | { id: number; ok: false; error: string };

interface Slot {
  worker: Worker;
  busy: number;
}

const ENTRY = moduleBeside(import.meta.url, 'parse-worker');

export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly waiting = new Map<number, { slot: Slot; resolve: (r: BulkRead) => void; reject: (e: Error) => void }>();
  private next = 0;
  private closed = false;

  /** `size` workers (default: one per core). */
  constructor(readonly size = availableParallelism()) {
    for (let i = 0; i < size; i++) this.slots.push(this.start());
  }

  private start(): Slot {
    // A young generation of 64 MB: a body's rows live for the few milliseconds it takes to read them, which
    // with V8's default promoted many to the old generation and its collections.
    const slot: Slot = { worker: startModuleWorker(ENTRY, import.meta.url, { resourceLimits: { maxYoungGenerationSizeMb: 64 } }), busy: 0 };
    slot.worker.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      slot.busy--;
      if (m.ok) w.resolve(m.read);
      else w.reject(new Error(`reading the body failed: ${m.error}`));
    });
    // A worker that dies fails what it had in hand; another takes its place.
    const fail = (err: Error) => {
      for (const [id, w] of this.waiting) {
        if (w.slot !== slot) continue;
        this.waiting.delete(id);
        w.reject(err);
      }
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) this.slots[i] = this.start();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`a parse worker stopped (exit code ${code})`)));
    slot.worker.unref();
    return slot;
  }

  /** Reads a body on a worker. The bytes are moved there when `body` owns its whole buffer, else copied. */
  read(body: Uint8Array, r: BulkRequest): Promise<BulkRead> {
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = ++this.next;
    slot.busy++;
    return new Promise<BulkRead>((resolve, reject) => {
      this.waiting.set(id, { slot, resolve, reject });
      const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
      slot.worker.postMessage({ ...r, id, body }, whole ? [body.buffer as ArrayBuffer] : []);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
