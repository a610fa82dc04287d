import type { CheckResult } from '../protocol/types.js';
import { formatDuration } from '../util/duration.js';
import type { ConfiguredCheck } from './checks/registry.js';
import { STATE_WORDS } from './checks/types.js';
import { at, type Monotonic, monotonic, nextSlot } from './timer.js';

interface Slot {
  check: ConfiguredCheck;
  results: CheckResult[];
  running: boolean;
  controller?: AbortController;
  timer?: { cancel(): void };
  start: number;
}

/** Called when a check's results change severity, for the agent's log. */
export type CheckChange = (name: string, results: CheckResult[]) => void;

/**
 * Runs every check on its own absolute schedule, each run bounded by its timeout.
 * Results are kept here and read by the beat sender ({@link results}); a slow or hung
 * check therefore never delays a beat, it only reports late (or times out and says so).
 * A run that is still going when its next slot comes is not started twice.
 */
export class CheckScheduler {
  private readonly slots: Slot[];
  private stopped = true;

  constructor(
    checks: readonly ConfiguredCheck[],
    private readonly opts: { now?: Monotonic; onChange?: CheckChange } = {},
  ) {
    this.slots = checks.map((check) => ({ check, results: [], running: false, start: 0 }));
  }

  /** Runs every check now, then on its interval. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const now = (this.opts.now ?? monotonic)();
    for (const s of this.slots) {
      s.start = now;
      this.fire(s);
    }
  }

  /** Cancels timers and aborts running checks (killing their processes). */
  stop(): void {
    this.stopped = true;
    for (const s of this.slots) {
      s.timer?.cancel();
      s.controller?.abort();
    }
  }

  /** The latest results of every check, in config order. */
  results(): CheckResult[] {
    const out: CheckResult[] = [];
    for (const s of this.slots) for (const r of s.results) out.push(r);
    return out;
  }

  /** Resolves when no check is running (for tests and a clean stop). */
  get busy(): boolean {
    return this.slots.some((s) => s.running);
  }

  private fire(s: Slot): void {
    if (this.stopped) return;
    const now = this.opts.now ?? monotonic;
    s.timer = at(nextSlot(s.start, s.check.intervalMs, now()), () => this.fire(s), now);
    if (s.running) return;
    void this.runOnce(s);
  }

  private async runOnce(s: Slot): Promise<void> {
    const { check } = s;
    s.running = true;
    const controller = new AbortController();
    s.controller = controller;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, check.timeoutMs);
    let results: CheckResult[];
    try {
      // Race the run against the abort: kinds that cannot be cancelled (a statfs on a hung
      // mount) are abandoned, not awaited.
      results = await new Promise<CheckResult[]>((resolve, reject) => {
        controller.signal.addEventListener('abort', () => resolve([]), { once: true });
        check.run(controller.signal).then(resolve, reject);
      });
      if (timedOut) {
        results = [
          {
            id: check.name,
            severity: check.timeoutSeverity,
            text: `${STATE_WORDS[check.timeoutSeverity]}: ${check.type} check timed out after ${formatDuration(check.timeoutMs)}`,
          },
        ];
      }
    } catch (err) {
      results = [
        {
          id: check.name,
          severity: 3,
          text: `${check.type} check failed: ${(err as Error)?.message ?? String(err)}`,
        },
      ];
    } finally {
      clearTimeout(timer);
      s.running = false;
      s.controller = undefined;
    }
    if (this.stopped && !timedOut) return;
    const changed =
      results.length !== s.results.length ||
      results.some((r, i) => r.id !== s.results[i]?.id || r.severity !== s.results[i]?.severity);
    s.results = results;
    if (changed) this.opts.onChange?.(check.name, results);
  }
}
