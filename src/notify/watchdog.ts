import type pino from 'pino';
import type { Clock } from '../util/clock.js';
import { toNotifyError } from './errors.js';
import { describeUrl, redactor, sendHttp } from './http-client.js';

export interface WatchdogOptions {
  /** Dead man's switch URL (Healthchecks ping URL, Uptime Kuma push URL...). A secret: never logged whole. */
  url: string;
  intervalMs: number;
  timeoutMs: number;
  method: 'get' | 'post';
  clock: Clock;
  logger?: pino.Logger | undefined;
}

/** Ping outcome counters, for logs and tests. */
export interface WatchdogStats {
  ok: number;
  failed: number;
  lastOkAt?: number;
  lastError?: string;
}

/**
 * "Monitor the monitor": pings a URL every `interval` so an external service notices when
 * thump itself stops (crash, host down, network cut). Pings are scheduled on absolute
 * times (start + k * interval), so slow pings do not drift the schedule; a failed ping is
 * logged and the next one is tried on time (the external service tolerates a miss).
 */
export class Watchdog {
  readonly stats: WatchdogStats = { ok: 0, failed: 0 };
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private running = false;
  private current: Promise<void> | undefined;
  private readonly where: string;
  private readonly scrub: (t: string) => string;

  constructor(private readonly opts: WatchdogOptions) {
    this.where = describeUrl(opts.url, false) ?? '(invalid url)';
    this.scrub = redactor([opts.url]);
  }

  start(): void {
    this.running = true;
    this.next = this.opts.clock.now();
    this.arm();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  private arm(): void {
    if (!this.running) return;
    const delay = Math.max(0, Math.min(30_000, this.next - this.opts.clock.now()));
    this.timer = setTimeout(() => {
      if (this.opts.clock.now() < this.next) return this.arm();
      const now = this.opts.clock.now();
      while (this.next <= now) this.next += this.opts.intervalMs;
      this.current = this.ping().finally(() => {
        this.current = undefined;
        this.arm();
      });
    }, delay);
    this.timer.unref();
  }

  /** Sends one ping now. Never throws; the outcome lands in {@link stats} and the log. */
  async ping(): Promise<void> {
    try {
      if (this.opts.method === 'post') {
        await sendHttp(
          this.opts.url,
          '',
          { 'content-type': 'text/plain' },
          { timeoutMs: this.opts.timeoutMs },
        );
      } else {
        const res = await fetch(this.opts.url, { signal: AbortSignal.timeout(this.opts.timeoutMs) });
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      }
      this.stats.ok++;
      this.stats.lastOkAt = this.opts.clock.now();
    } catch (raw) {
      const err = toNotifyError(raw);
      const msg = this.scrub(err.message);
      this.stats.failed++;
      this.stats.lastError = msg;
      this.opts.logger?.warn({ url: this.where }, `watchdog ping to ${this.where} failed: ${msg}`);
    }
  }
}
