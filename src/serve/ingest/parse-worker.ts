// A parse worker's thread: reads the POST /v1/listens bodies it is sent (bulk-body.ts) and sends back the
// prepared rows' ids and log payload as moved buffers, or what is wrong, or the text for the SQL path.
import { parentPort } from 'node:worker_threads';
import { readBulkBody, type BulkRequest } from './bulk-body.js';

export interface ParseJob extends BulkRequest {
  readonly id: number;
  readonly body: Uint8Array;
}

const port = parentPort!;
port.on('message', (job: ParseJob) => {
  try {
    const r = readBulkBody(job.body, job, true);
    // Moved, not copied; a small payload shares Node's pooled buffer with others, so it is copied.
    const p = 'pre' in r ? r.pre : null;
    const whole = (b: Uint8Array) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength;
    const moved = p ? [p.hi.buffer, p.lo.buffer, ...(p.payload && whole(p.payload) ? [p.payload.buffer] : [])] : [];
    port.postMessage({ id: job.id, ok: true, read: r }, moved as ArrayBuffer[]);
  } catch (err) {
    port.postMessage({ id: job.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
