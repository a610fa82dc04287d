/**
 * Runs probes over a target list with bounded concurrency. Each target is probed exactly
 * once and its result handed to `onResult` in completion order (awaited one at a time,
 * so a slow sink applies back-pressure instead of buffering without bound). Because
 * each probe carries its own deadline, the round lasts about as long as its slowest
 * host (given concurrency >= hosts), never the sum of timeouts.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONCURRENCY } from './defaults.js';
import { type SweepSummary, SweepTally } from './tally.js';
import type { SweepResult, SweepTarget } from './types.js';

export interface ScheduleOptions {
  /** Probes in flight at once. Default 100. */
  concurrency?: number;
  probe: (target: SweepTarget) => Promise<SweepResult>;
  onResult: (result: SweepResult) => void | Promise<void>;
  /** Stops starting new probes; those in flight still report. */
  signal?: AbortSignal;
}

export { DEFAULT_CONCURRENCY };

/** Probes every target once; resolves with the round's summary. */
export async function runSchedule(
  targets: readonly SweepTarget[],
  opts: ScheduleOptions,
): Promise<SweepSummary> {
  const t0 = performance.now();
  const tally = new SweepTally();
  const width = Math.max(1, Math.min(opts.concurrency ?? DEFAULT_CONCURRENCY, targets.length || 1));
  let next = 0;
  let sinkChain: Promise<void> = Promise.resolve();
  let sinkError: unknown;
  const deliver = (r: SweepResult) => {
    tally.add(r);
    sinkChain = sinkChain.then(async () => {
      if (sinkError !== undefined) return;
      try {
        await opts.onResult(r);
      } catch (err) {
        sinkError = err;
      }
    });
    return sinkChain;
  };
  const lane = async () => {
    while (next < targets.length && !opts.signal?.aborted && sinkError === undefined) {
      const target = targets[next++] as SweepTarget;
      const result = await opts.probe(target);
      // Wait for the sink only when it lags far behind (keeps memory bounded).
      const pending = deliver(result);
      if (tally.done % 256 === 0) await pending;
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  await sinkChain;
  if (sinkError !== undefined) throw sinkError;
  return tally.summary(performance.now() - t0);
}
