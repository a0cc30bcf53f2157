// The one retry helper: jittered exponential backoff for errors marked retriable, wrapping the last
// failure with the number of attempts made.
import { EarshotError, errorMessage } from './errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Delay before the second attempt, in ms; doubles each time, with ±50% jitter. */
  baseMs?: number;
  maxMs?: number;
  /** Whether an error is worth another attempt; default: EarshotError.retriable. */
  retriable?: (err: unknown) => boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function retry<T>(work: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseMs ?? 100;
  const max = opts.maxMs ?? 2000;
  const isRetriable = opts.retriable ?? ((e: unknown) => e instanceof EarshotError && e.retriable);
  let last: unknown;
  for (let i = 1; i <= attempts; i++) {
    try {
      return await work(i);
    } catch (err) {
      last = err;
      if (i === attempts || !isRetriable(err)) break;
      const delay = Math.min(max, base * 2 ** (i - 1));
      await sleep(delay * (0.5 + Math.random()));
    }
  }
  if (last instanceof EarshotError && attempts > 1 && last.retriable) {
    throw new EarshotError(`${last.message} (after ${attempts} attempts)`, { cause: last, retriable: true, ...(last.hint ? { hint: last.hint } : {}) });
  }
  throw last instanceof Error ? last : new Error(errorMessage(last));
}
