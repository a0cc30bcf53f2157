// Per-token rate limits: a fixed window of `limit` requests per `windowMs` for each token (or client
// address when there is none). Over the limit → 429 with Retry-After; every answer carries the
// X-RateLimit-Limit / -Remaining / -Reset headers ListenBrainz clients already read.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tokenOf } from './auth.js';
import { HttpError } from './http-error.js';

export interface RateLimitOptions {
  /** Requests allowed per window per token; 0 turns limits off. */
  readonly limit: number;
  readonly windowMs: number;
}

export class RateLimiter {
  private windows = new Map<string, { start: number; n: number }>();

  constructor(readonly opts: RateLimitOptions) {}

  /** Counts the request; throws a 429 HttpError when over the limit. */
  check(req: FastifyRequest, reply: FastifyReply): void {
    const { limit, windowMs } = this.opts;
    if (limit <= 0) return;
    const key = tokenOf(req) ?? `ip:${req.ip}`;
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, n: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 100_000) this.sweep(now);
    }
    w.n++;
    const resetS = Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
    const headers = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - w.n)),
      'X-RateLimit-Reset-In': String(resetS),
      'X-RateLimit-Reset': String(Math.ceil((w.start + windowMs) / 1000)),
    };
    if (w.n > limit) throw new HttpError(429, `Too many requests: at most ${limit} per ${windowMs / 1000} s for this token; try again in ${resetS} s.`, { ...headers, 'Retry-After': String(resetS) });
    void reply.headers(headers);
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.opts.windowMs) this.windows.delete(k);
  }
}
