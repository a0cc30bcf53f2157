// JetStream as a source: a durable pull consumer (ack policy "all") read with consume(), one message per
// batch of listens. Acknowledgement follows the checkpoint: the runner acks a position only after the
// state that covers it is on disk, and acking stream sequence N acknowledges everything up to N.
//
// Resuming: the checkpoint holds the last stream sequence applied. If the durable consumer is not right
// after it (a crash left messages delivered but unacked, or the consumer is missing), it is recreated to
// deliver from checkpoint + 1, so the stream is re-read in order rather than redelivered out of order
// after ack_wait. A message redelivered during a run (sequence at or below the last applied) is skipped.
import { AckPolicy, DeliverPolicy, jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from '../../../util/errors.js';
import type { Dicts } from '../../dict.js';
import type { SourceBatch, SourcePosition, StreamSource } from '../../types.js';
import { decodeBatch, DecodeMemo } from './codec.js';
import { connectNats, NatsError, type NatsTarget } from './connect.js';

export interface NatsSourceOptions {
  readonly target: NatsTarget;
  readonly consumer: string;
  readonly dicts: Dicts;
  readonly from: SourcePosition | null;
  readonly untilIdle: boolean;
  /** No message for this long (and none pending on the server) counts as idle, ms. */
  readonly idleMs: number;
  /** Messages the consumer may have unacknowledged; the runner checkpoints at half of it. */
  readonly maxAckPending?: number;
  readonly ackWaitMs?: number;
}

export function natsSourceId(t: NatsTarget, consumer: string): string {
  return `${t.url}#${consumer}`;
}

const NANOS = 1_000_000;

export async function openNatsSource(o: NatsSourceOptions): Promise<StreamSource> {
  if (o.from && o.from.kind !== 'nats') throw new Error(`a NATS source cannot resume from a ${o.from.kind} position`);
  const t = o.target;
  const { nc, jsm } = await connectNats(t, `earshot-stream-${o.consumer}`);
  let nc2: NatsConnection | null = nc;
  const maxAckPending = o.maxAckPending ?? 10_000;
  const after = o.from?.kind === 'nats' ? o.from.seq : 0;
  let messages: ConsumerMessages;
  try {
    try {
      await jsm.streams.info(t.stream);
    } catch (err) {
      if (!/not found/i.test(errorMessage(err))) throw err;
      throw new NatsError(`there is no stream ${t.stream} on ${t.server}`, { hint: `publish to it first: earshot publish PATH... --to ${t.url}` });
    }
    let fresh = true;
    try {
      const info = await jsm.consumers.info(t.stream, o.consumer);
      fresh = !(info.delivered.stream_seq === after && info.ack_floor.stream_seq === after && info.num_ack_pending === 0);
      if (fresh) await jsm.consumers.delete(t.stream, o.consumer);
    } catch (err) {
      if (!/not found/i.test(errorMessage(err))) throw err;
    }
    if (fresh) {
      await jsm.consumers.add(t.stream, {
        durable_name: o.consumer,
        ack_policy: AckPolicy.All,
        ...(after > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 } : { deliver_policy: DeliverPolicy.All }),
        filter_subject: t.subject,
        ack_wait: (o.ackWaitMs ?? 120_000) * NANOS,
        max_ack_pending: maxAckPending,
      });
    }
    const consumer = await jetstream(nc).consumers.get(t.stream, o.consumer);
    messages = await consumer.consume({ max_messages: 256 });
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw err instanceof NatsError ? err : new NatsError(`JetStream consumer ${o.consumer} on ${t.stream}: ${errorMessage(err)}`, { cause: err, retriable: true });
  }

  const memo = new DecodeMemo();
  let lastSeq = after;
  let lastMsg: JsMsg | null = null;
  let unacked = 0;
  let pending: number | null = null;
  let stopped = false;
  let resolveClosed!: () => void;
  const closedP = new Promise<void>((r) => (resolveClosed = r));
  const iter = messages[Symbol.asyncIterator]();

  async function serverPending(): Promise<number> {
    const info = await jsm.consumers.info(t.stream, o.consumer);
    pending = info.num_pending;
    return info.num_pending;
  }

  async function* run(): AsyncGenerator<SourceBatch> {
    try {
      let next = iter.next();
      while (!stopped) {
        let r: IteratorResult<JsMsg> | 'idle';
        if (o.untilIdle) {
          let timer: NodeJS.Timeout | undefined;
          r = await Promise.race([next, new Promise<'idle'>((res) => (timer = setTimeout(() => res('idle'), o.idleMs)))]);
          clearTimeout(timer);
          if (r === 'idle') {
            if ((await serverPending()) === 0) return;
            continue;
          }
        } else r = await next;
        if (r.done) return;
        next = iter.next();
        const m = r.value;
        const seq = m.info.streamSequence;
        pending = m.info.pending;
        if (seq <= lastSeq) continue; // redelivered: already applied (its ack comes with the next checkpoint)
        lastSeq = seq;
        lastMsg = m;
        unacked++;
        const d = decodeBatch(m.data, o.dicts, Date.now(), memo);
        yield {
          listens: d.batch,
          position: { kind: 'nats', seq },
          rejected: d.rejected,
          ...(d.sentAt !== null ? { published: [{ at: d.sentAt, n: d.batch.n }] } : {}),
        };
      }
    } finally {
      // The connection stays open: the final checkpoint still acknowledges after the last batch. close() ends it.
      await messages.close().catch(() => undefined);
    }
  }

  async function shutdown(): Promise<void> {
    await messages.close().catch(() => undefined);
    if (nc2) {
      const c = nc2;
      nc2 = null;
      await c.close().catch(() => undefined);
    }
    resolveClosed();
  }

  const it = run();
  let started = false;
  return {
    id: natsSourceId(t, o.consumer),
    defaultSpeed: 'max',
    [Symbol.asyncIterator]: () => {
      started = true;
      return it;
    },
    async ack(pos) {
      if (pos.kind !== 'nats' || !lastMsg || lastMsg.info.streamSequence !== pos.seq) return;
      // Ack policy "all": this acknowledges every message up to pos.seq. Waited for, so a checkpoint's ack is known to have landed.
      await lastMsg.ackAck();
      unacked = 0;
    },
    stop() {
      stopped = true;
      void messages.close().catch(() => undefined);
    },
    async close() {
      stopped = true;
      // Unblock a pending next() so the generator can finish, then let go of the connection.
      await messages.close().catch(() => undefined);
      if (started) await it.return(undefined);
      await shutdown();
    },
    closed: () => closedP,
    status: () => ({ lag: pending, unacked, maxUnacked: maxAckPending }),
  };
}
