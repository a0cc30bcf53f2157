// Publishing listens to JetStream: batches of listens per message (codec.ts), many publishes in flight,
// each with a message id (Nats-Msg-Id) made from the input and the listen's position, so a publish that is
// retried within the stream's duplicate window is stored once. Optionally paced to a listen rate.
import { createHash } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { errorMessage } from '../../../util/errors.js';
import type { Dicts } from '../../dict.js';
import type { StreamSource } from '../../types.js';
import { BatchEncoder } from './codec.js';
import { connectNats, ensureStream, NatsError, type NatsTarget } from './connect.js';

export interface PublishOptions {
  readonly target: NatsTarget;
  /** Listens per message. */
  readonly batch?: number;
  /** Listens per second to publish at (default: as fast as the broker takes them). */
  readonly rate?: number;
  /** Publishes awaiting their ack at once. */
  readonly inflight?: number;
  /** Identity of the input, for message ids (same input and batch size, same ids). */
  readonly inputId: string;
  readonly onProgress?: (p: { listens: number; messages: number; seconds: number }) => void;
  /** Stamp every listen with its publish time (a live feed made from a replay: event time = wall time). */
  readonly retime?: boolean;
  readonly signal?: AbortSignal;
}

export interface PublishSummary {
  readonly listens: number;
  readonly messages: number;
  /** Messages the stream already held (same message id within its duplicate window). */
  readonly duplicateMessages: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly seconds: number;
  readonly listensPerSecond: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly stream: string;
  readonly subject: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Publishes everything a source yields (a file or generator source; its dictionaries in `dicts`). */
export async function publishFrom(source: StreamSource, dicts: Dicts, o: PublishOptions): Promise<PublishSummary> {
  const t0 = performance.now();
  const { nc, jsm } = await connectNats(o.target, 'earshot-publish');
  const per = o.batch ?? 1000;
  const inflight = o.inflight ?? 64;
  const idBase = createHash('sha1').update(`${o.inputId}|${per}`).digest('hex').slice(0, 16);
  let listens = 0;
  let messages = 0;
  let dupMsgs = 0;
  let rejected = 0;
  let duplicates = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let lastProgress = 0;
  try {
    await ensureStream(jsm, o.target);
    const js = jetstream(nc);
    const window: Promise<void>[] = [];
    let failure: NatsError | null = null;
    // Never rejects (a rejection sitting in the window would be unhandled); the first failure is thrown below.
    const send = (data: Uint8Array, msgID: string): Promise<void> =>
      js.publish(o.target.subject, data, { msgID, timeout: 30_000 }).then(
        (ack) => {
          if (ack.duplicate) dupMsgs++;
          firstSeq = firstSeq === null ? ack.seq : Math.min(firstSeq, ack.seq);
          lastSeq = lastSeq === null ? ack.seq : Math.max(lastSeq, ack.seq);
        },
        (err: unknown) => {
          failure ??= new NatsError(`publish to ${o.target.subject} failed: ${errorMessage(err)}`, { cause: err, retriable: true });
        },
      );
    const check = (): void => {
      if (failure) throw failure;
    };
    const encoder = new BatchEncoder(dicts);
    for await (const batch of source) {
      if (o.signal?.aborted) break;
      rejected += batch.rejected;
      duplicates += batch.duplicates ?? 0;
      const b = batch.listens;
      for (let i = 0; i < b.n; i += per) {
        const to = Math.min(b.n, i + per);
        if (o.rate) {
          const due = t0 + ((listens + (to - i)) / o.rate) * 1000;
          const wait = due - performance.now();
          if (wait > 1) await sleep(wait);
        }
        const now = Date.now();
        if (o.retime) b.ts.fill(now, i, to);
        window.push(send(encoder.encode(b, i, to, now), `${idBase}-${listens}`));
        listens += to - i;
        messages++;
        if (window.length >= inflight) await window.shift();
        check();
        const wall = performance.now();
        if (o.onProgress && wall - lastProgress > 250) {
          lastProgress = wall;
          o.onProgress({ listens, messages, seconds: (wall - t0) / 1000 });
        }
      }
    }
    await Promise.all(window);
    check();
  } finally {
    await source.close().catch(() => undefined);
    await nc.drain().catch(() => undefined);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { listens, messages, duplicateMessages: dupMsgs, rejected, duplicates, seconds, listensPerSecond: Math.round(listens / Math.max(seconds, 1e-3)), firstSeq, lastSeq, stream: o.target.stream, subject: o.target.subject };
}
