// How long work that is ready waits for the server's event loop (a request behind a checkpoint, a flush
// or a large body), for /metrics. Node samples it (monitorEventLoopDelay); the figures cover the last
// full window (a minute), or the current one during the first: stalls that come and go stay visible
// between scrapes without one scraper resetting what another reads.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopDelayFigures {
  /** Seconds. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export class LoopDelay {
  private readonly h: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private last: LoopDelayFigures | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(windowMs = 60_000) {
    this.h.enable();
    this.timer = setInterval(() => {
      this.last = this.current();
      this.h.reset();
    }, windowMs);
    this.timer.unref();
  }

  figures(): LoopDelayFigures {
    return this.last ?? this.current();
  }

  stop(): void {
    clearInterval(this.timer);
    this.h.disable();
  }

  private current(): LoopDelayFigures {
    // An empty histogram (no sample yet) reads 0 for all three.
    if (this.h.count === 0) return { p50: 0, p99: 0, max: 0 };
    return { p50: this.h.percentile(50) / 1e9, p99: this.h.percentile(99) / 1e9, max: this.h.max / 1e9 };
  }
}
