/**
 * A local sweep from start to end: one round over fresh connections, or (`everyMs`)
 * rounds at fixed absolute times over kept connections until `signal` aborts. Each
 * round is one run in the sinks (and the database), with its own summary.
 */
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../util/clock.js';
import { type ProbeOptions, probeHost } from './probe.js';
import { runSchedule } from './scheduler.js';
import { SessionPool } from './session-pool.js';
import type { SweepSinks } from './sinks/index.js';
import type { SweepSummary } from './tally.js';
import type { SweepResult, SweepTarget } from './types.js';

export interface LocalSweepOptions {
  targets: readonly SweepTarget[];
  probe: ProbeOptions;
  concurrency: number;
  sinks: SweepSinks;
  /** Repeat every this many ms over kept connections; undefined: one round. */
  everyMs?: number;
  /** Stops the sweep (finishes the probes in flight, starts no more rounds). */
  signal?: AbortSignal;
  clock?: Clock;
  onRoundStart?: (round: number, total: number) => void;
  onResult?: (r: SweepResult) => void;
  onRoundEnd?: (round: number, summary: SweepSummary, runId: string) => void;
}

/** A local run id: sortable by time, unique enough for one store. */
export function newRunId(now: number): string {
  return `${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Runs the sweep; resolves with the last round's summary. */
export async function runLocalSweep(o: LocalSweepOptions): Promise<SweepSummary> {
  const clock = o.clock ?? systemClock;
  const pool = o.everyMs !== undefined ? new SessionPool(o.probe) : undefined;
  const probe = pool ? (t: SweepTarget) => pool.probe(t) : (t: SweepTarget) => probeHost(t, o.probe);
  const firstAt = clock.now();
  let last: SweepSummary | undefined;
  try {
    for (let round = 0; ; round++) {
      const startedAt = clock.now();
      const runId = newRunId(startedAt);
      o.sinks.beginRound({
        id: runId,
        startedAt,
        total: o.targets.length,
        mode: 'local',
        ...(o.everyMs !== undefined ? { everyMs: o.everyMs } : {}),
      });
      o.onRoundStart?.(round, o.targets.length);
      const schedule: Parameters<typeof runSchedule>[1] = {
        concurrency: o.concurrency,
        probe,
        onResult: (r) => {
          o.onResult?.(r);
          return o.sinks.write(r);
        },
      };
      if (o.signal) schedule.signal = o.signal;
      last = await runSchedule(o.targets, schedule);
      o.sinks.endRound(clock.now());
      o.onRoundEnd?.(round, last, runId);
      if (o.everyMs === undefined || o.signal?.aborted) break;
      // Next round at an absolute time (first start + k * every); a round that overran
      // its slot is followed at once by the next slot, never by a burst of missed ones.
      const now = clock.now();
      const k = Math.max(round + 1, Math.ceil((now - firstAt) / o.everyMs));
      const wait = firstAt + k * o.everyMs - now;
      if (!(await sleep(wait, o.signal))) break;
    }
  } finally {
    pool?.close();
  }
  return last as SweepSummary;
}

/** Resolves true after `ms`, false at once if `signal` aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((res) => {
    const t = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        res(true);
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(t);
      res(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
