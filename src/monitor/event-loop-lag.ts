import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** The event loop's delay over the last completed window, in milliseconds. */
export interface EventLoopLag {
  /** 99th percentile of the sampled delays. */
  p99Ms: number;
  /** Largest sampled delay. */
  maxMs: number;
  /** Length of the window the figures cover. */
  windowMs: number;
}

/**
 * Samples the event loop's delay (perf_hooks.monitorEventLoopDelay, every `resolutionMs`)
 * and keeps the p99 and max of the last completed window of `windowMs`. A window, not a
 * lifetime figure: a stall an hour ago must not keep `/healthz` degraded, and a scrape sees
 * the same numbers whoever else scraped before. Nothing runs until {@link start}.
 */
export class EventLoopLagMonitor {
  private histogram: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last: EventLoopLag | undefined;

  constructor(
    private readonly windowMs = 10_000,
    private readonly resolutionMs = 20,
  ) {}

  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
    this.timer = setInterval(() => this.rotate(), this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
    this.histogram = undefined;
  }

  /**
   * The last completed window; before the first one completes, the samples so far (undefined
   * when stopped or nothing was sampled yet).
   */
  read(): EventLoopLag | undefined {
    if (this.last) return this.last;
    return this.histogram ? this.snapshot(this.histogram) : undefined;
  }

  private rotate(): void {
    const h = this.histogram;
    if (!h) return;
    this.last = this.snapshot(h);
    h.reset();
  }

  private snapshot(h: IntervalHistogram): EventLoopLag | undefined {
    if (h.count === 0) return undefined;
    // The histogram reports nanoseconds and includes the sampling period itself: take it off.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - this.resolutionMs);
    return { p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), windowMs: this.windowMs };
  }
}
