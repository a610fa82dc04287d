/**
 * The network-partition guard's rule (pure; the core keeps its state and acts on the
 * verdict). When a host's deadline passes while at least `minHosts` hosts are up and the
 * monitor heard no valid beat from anyone for `silenceIntervals` x that host's interval, the
 * monitor's own network is the likely fault: the host goes down silently (no `down` event,
 * one `network` event for all) instead of paging for every host (docs/perf/monitor.md).
 * Plain numbers in, a numeric verdict out: nothing is allocated per deadline.
 */

import type { CoreOptions } from './core-options.js';
import { type HostRegistry, UP } from './host-registry.js';

/** Not yet decidable: hold the host as overdue until a beat from anyone or enough silence. */
export const HOLD_OVERDUE = 0;
/** A partition (begun now or going on): down without its own `down` event. */
export const SILENT_DOWN = 1;
/** The network works: an ordinary `down`. */
export const MARK_DOWN = 2;

/** What {@link partitionVerdict} decides for a passed deadline. */
export type PartitionVerdict = typeof HOLD_OVERDUE | typeof SILENT_DOWN | typeof MARK_DOWN;

/**
 * The verdict for an up host whose deadline passed. `partitioned`: a partition is going on;
 * `wasOverdue`: the host was held overdue already (it is not held twice); `upHosts`: hosts up;
 * `sinceAnyBeatMs`: time since the last valid beat from any host (Infinity if none yet).
 *
 * A timeout shorter than interval + the guard's silence (phi, or a small multiplier) means
 * a network cut just before this deadline would not show as silence yet: {@link HOLD_OVERDUE}
 * (the next beat from anyone proves the network works and makes it down; no beat until the
 * silence is long enough makes it a partition).
 */
export function partitionVerdict(
  p: CoreOptions['partition'],
  partitioned: boolean,
  wasOverdue: boolean,
  upHosts: number,
  intervalMs: number,
  timeoutMs: number,
  sinceAnyBeatMs: number,
): PartitionVerdict {
  if (!p.enabled) return MARK_DOWN;
  if (partitioned) return SILENT_DOWN;
  if (upHosts < p.minHosts) return MARK_DOWN;
  const need = p.silenceIntervals * intervalMs;
  if (sinceAnyBeatMs >= need) return SILENT_DOWN;
  if (!wasOverdue && timeoutMs - intervalMs < need) return HOLD_OVERDUE;
  return MARK_DOWN;
}

/** How many host ids a `network` event names. */
const NETWORK_SAMPLE = 20;

/** The details of the `network` event a partition starts with: how many hosts are up, a sample of them, the silence. */
export function networkEventDetails(
  reg: HostRegistry,
  now: number,
  lastAnyBeatAt: number,
): Record<string, unknown> {
  const hostIds: string[] = [];
  for (let j = 0; j < reg.size && hostIds.length < NETWORK_SAMPLE; j++) {
    if (reg.state[j] === UP) hostIds.push(reg.ids[j] as string);
  }
  const silentFor = Number.isFinite(lastAnyBeatAt) ? now - lastAnyBeatAt : null;
  return { count: reg.counts[UP], hostIds, silentForMs: silentFor };
}
