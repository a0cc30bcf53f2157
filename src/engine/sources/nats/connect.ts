// NATS JetStream: `nats://HOST:PORT/STREAM` parsed once, a connection whose failures become one typed
// error with a hint, and the stream made to exist (subjects STREAM.>; listens go to STREAM.listens).
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EarshotError, errorMessage, UsageError } from '../../../util/errors.js';

export interface NatsTarget {
  readonly server: string;
  readonly stream: string;
  readonly subject: string;
  /** nats://HOST:PORT/STREAM as given (normalised). */
  readonly url: string;
}

/** The broker cannot be reached or refused a request; retrying may help. */
export class NatsError extends EarshotError {}

export function parseNatsUrl(text: string): NatsTarget {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`"${text}" is not a nats:// URL`, { hint: 'write nats://HOST:PORT/STREAM, e.g. nats://127.0.0.1:4222/LISTENS' });
  }
  if (u.protocol !== 'nats:') throw new UsageError(`"${text}" is not a nats:// URL`, { hint: 'write nats://HOST:PORT/STREAM' });
  const stream = decodeURIComponent(u.pathname.replace(/^\/+/, ''));
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(stream)) throw new UsageError(`"${text}": the stream name "${stream}" must be letters, digits, _ or -`, { hint: 'write nats://HOST:PORT/STREAM' });
  const server = `${u.hostname || '127.0.0.1'}:${u.port || '4222'}`;
  return { server, stream, subject: `${stream}.listens`, url: `nats://${server}/${stream}` };
}

export async function connectNats(t: NatsTarget, name: string): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: t.server, name, timeout: 5000, maxReconnectAttempts: 10, reconnectTimeWait: 500 });
  } catch (err) {
    throw new NatsError(`cannot reach NATS at ${t.server}: ${errorMessage(err)}`, {
      retriable: true,
      cause: err,
      hint: 'start a NATS server with JetStream, e.g. `nats-server -js` (https://docs.nats.io/running-a-nats-service/introduction/installation)',
    });
  }
  try {
    return { nc, jsm: await jetstreamManager(nc, { timeout: 10_000 }) };
  } catch (err) {
    await nc.close().catch(() => undefined);
    throw new NatsError(`NATS at ${t.server} has no JetStream: ${errorMessage(err)}`, { cause: err, hint: 'run nats-server with -js' });
  }
}

/** Creates the stream when it does not exist (file storage, subjects STREAM.>). */
export async function ensureStream(jsm: JetStreamManager, t: NatsTarget): Promise<void> {
  try {
    await jsm.streams.info(t.stream);
  } catch (err) {
    if (!/not found/i.test(errorMessage(err))) throw new NatsError(`stream ${t.stream}: ${errorMessage(err)}`, { cause: err, retriable: true });
    await jsm.streams.add({ name: t.stream, subjects: [`${t.stream}.>`] });
  }
}
