/**
 * The monitor core's read side and restore, apart from its rules (core.ts): the API view of
 * hosts, the stats snapshot, and loading hosts an earlier run saved. Pure, and off the beat
 * path (called by the HTTP API, /metrics and once at start-up).
 */

import type { DeadlineWheel } from './detector.js';
import { DOWN, type HostRegistry, LEFT, UP } from './host-registry.js';
import type { HostSnapshot, HostView, MonitorStats } from './types.js';

/** The API view of host `i` (the registry's snapshot without its replay and flap internals). */
export function hostView(reg: HostRegistry, i: number): HostView {
  const { sentAt: _s, flapBits: _f, ...v } = reg.snapshot(i);
  return v;
}

/** The API view of every host, in registry order. */
export function hostViews(reg: HostRegistry): HostView[] {
  const out: HostView[] = [];
  for (let i = 0; i < reg.size; i++) out.push(hostView(reg, i));
  return out;
}

/** A copy of the core's counters with the hosts counted by state now. */
export function coreStats(counters: MonitorStats, reg: HostRegistry): MonitorStats {
  const c = reg.counts;
  return {
    ...counters,
    rejected: { ...counters.rejected },
    eventsByType: { ...counters.eventsByType },
    hostsByState: { up: c[UP] as number, down: c[DOWN] as number, left: c[LEFT] as number },
  };
}

/**
 * Loads hosts saved by an earlier run into the registry (ids already known are skipped).
 * Hosts that were up get a start-up grace: none is called down before one timeout from `now`.
 * `fixedTimeout` is the fixed rule's timeout for an interval; in phi mode it applies until the
 * host has beaten often enough again (phi estimates are not persisted).
 */
export function restoreHosts(
  reg: HostRegistry,
  wheel: DeadlineWheel,
  hosts: Iterable<HostSnapshot>,
  now: number,
  fixedTimeout: (intervalMs: number) => number,
  phiOn: boolean,
): void {
  for (const h of hosts) {
    if (reg.find(h.id) >= 0) continue;
    const i = reg.restore(h);
    const fixed = fixedTimeout(h.intervalMs);
    if (phiOn && h.intervalMs > 0) reg.timeoutMs[i] = fixed;
    if (h.state === 'up') {
      const t = (reg.timeoutMs[i] as number) > 0 ? (reg.timeoutMs[i] as number) : fixed;
      wheel.set(i, Math.max(h.lastBeatAt + t, now + t));
    }
  }
}
