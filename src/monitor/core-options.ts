/**
 * The monitor core's tunables ({@link CoreOptions}, their defaults) and the {@link DownGate}
 * hook a layer above may install: the shapes {@link MonitorCore} is configured with, apart
 * from its rules (core.ts). Pure: types and constants.
 */

import type { FlapThresholds } from './flapping.js';
import { DEFAULT_PHI_OPTIONS, type PhiOptions } from './phi.js';

/** Tunables of the monitor's rules; defaults come from the config schema. */
export interface CoreOptions {
  /** Timeout = multiplier x announced interval (default 3). */
  timeoutMultiplier: number;
  /** Fixed timeout for every host, overriding the multiplier. */
  timeoutMs?: number;
  /**
   * `fixed`: the timeout above. `phi`: per host, the time at which phi accrual crosses
   * `phi.threshold` (phi.ts), learned from the host's own beats; the fixed timeout until
   * `phi.minSamples` gaps were seen since the host (re)started, recovered or changed interval.
   */
  detector: 'fixed' | 'phi';
  phi: PhiOptions;
  /** Interval assumed for legacy `Thump!`/`PyHB` senders (PyHeartBeat beats every 10 s). */
  legacyIntervalMs: number;
  flapping: FlapThresholds & { enabled: boolean };
  /**
   * Network-partition guard: when a deadline passes while at least `minHosts` hosts are up
   * and the monitor heard NO valid beat from anyone for `silenceIntervals` x that host's
   * interval, the monitor's own network is the likely fault (see docs/perf/monitor.md).
   */
  partition: { enabled: boolean; minHosts: number; silenceIntervals: number };
  slotMs: number;
  initialCapacity: number;
}

export const DEFAULT_CORE_OPTIONS: CoreOptions = {
  timeoutMultiplier: 3,
  detector: 'fixed',
  phi: DEFAULT_PHI_OPTIONS,
  legacyIntervalMs: 10_000,
  flapping: { enabled: true, high: 30, low: 25 },
  partition: { enabled: true, minHosts: 4, silenceIntervals: 2 },
  slotMs: 50,
  initialCapacity: 1024,
};

/**
 * Lets a layer above the core decide when a passed deadline becomes `down`. High availability
 * (src/monitor/ha/down-gate.ts) uses it: with several monitors a host is down only when every
 * live monitor has lost it, so until then the host stays `up` here, treated as heard.
 */
export interface DownGate {
  /**
   * Host `i` (`hostId`) is up and its deadline (`deadline`, the first one that passed) is
   * behind `now`. Return undefined to go on as a single monitor does (`down`, or the partition
   * guard), or a time to keep the host `up` and be asked again then (or sooner, see
   * `MonitorCore.recheck` in core.ts).
   */
  due(i: number, hostId: string, deadline: number, now: number): number | undefined;
}
