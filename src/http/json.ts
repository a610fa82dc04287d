import type { HostEvent, HostView } from '../monitor/types.js';
import { SEVERITY_NAMES, type SeverityName } from '../protocol/types.js';
import type { ListedHost, SweepError } from './swept-hosts.js';

/**
 * What {@link iso} shows for a stored time no Date can hold (e.g. a silence end of 8.64e19 ms
 * written before inputs were bounded): a placeholder, never a RangeError (HTTP 500).
 */
export const INVALID_TIME = 'invalid-time';

/** The largest ms value a Date holds (ECMA-262 TimeClip: ±8.64e15). */
const MAX_DATE_MS = 8.64e15;

/** ms epoch -> ISO 8601, `null` for "never" (0 or missing), {@link INVALID_TIME} beyond any Date. */
export function iso(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || ms <= 0 || Number.isNaN(ms)) return null;
  if (ms > MAX_DATE_MS) return INVALID_TIME;
  return new Date(ms).toISOString();
}

/** One host as the API shows it: the monitor's view with ISO timestamps and named severities. */
export interface HostJson {
  id: string;
  state: HostView['state'];
  source: HostView['source'];
  address: string;
  firstSeenAt: string | null;
  lastBeatAt: string | null;
  stateSince: string | null;
  /** Milliseconds since the last beat, at the time of the answer. */
  lastBeatAgeMs: number | null;
  bootId: string;
  seq: number;
  intervalMs: number;
  timeoutMs: number;
  uptimeSeconds: number;
  load: [number, number, number];
  memTotalBytes: number;
  memAvailableBytes: number;
  diskTotalBytes: number;
  diskUsedBytes: number;
  /** Worst hardware-check severity (`ok` when there are no checks). */
  checkStatus: SeverityName;
  checks: { id: string; severity: SeverityName; text: string }[];
  labels: Record<string, string>;
  flapping: boolean;
  /** Id of the silence covering this host now (its events are recorded, not notified), or null. */
  silencedBy: number | null;
  /**
   * Swept (agentless, `source: 'sweep'`) hosts only: why the last probe failed
   * (`{ class, message }`), or null after an ok probe. Absent on agent hosts.
   */
  sweepError?: SweepError | null;
}

export function hostJson(h: ListedHost, now: number, silencedBy: number | null = null): HostJson {
  let worst = 0;
  for (const c of h.checks) if (c.severity > worst) worst = c.severity;
  const out: HostJson = {
    id: h.id,
    state: h.state,
    source: h.source,
    address: h.address,
    firstSeenAt: iso(h.firstSeenAt),
    lastBeatAt: iso(h.lastBeatAt),
    stateSince: iso(h.stateSince),
    lastBeatAgeMs: h.lastBeatAt > 0 ? Math.max(0, Math.round(now - h.lastBeatAt)) : null,
    bootId: h.bootId,
    seq: h.seq,
    intervalMs: h.intervalMs,
    timeoutMs: h.timeoutMs,
    uptimeSeconds: h.uptimeSeconds,
    load: h.load,
    memTotalBytes: h.memTotalBytes,
    memAvailableBytes: h.memAvailableBytes,
    diskTotalBytes: h.diskTotalBytes,
    diskUsedBytes: h.diskUsedBytes,
    checkStatus: SEVERITY_NAMES[worst] ?? 'unknown',
    checks: h.checks.map((c) => ({
      id: c.id,
      severity: SEVERITY_NAMES[c.severity] ?? 'unknown',
      text: c.text,
    })),
    labels: h.labels,
    flapping: h.flapping,
    silencedBy,
  };
  if (h.sweepError !== undefined) out.sweepError = h.sweepError;
  return out;
}

/** One event as the API and SSE stream show it. */
export interface EventJson {
  id: number;
  type: HostEvent['type'];
  hostId: string;
  at: string | null;
  details: Record<string, unknown>;
}

export function eventJson(e: HostEvent): EventJson {
  return { id: e.id, type: e.type, hostId: e.hostId, at: iso(e.at), details: e.details };
}

/**
 * The dashboard's compact host row (one array per host, numbers instead of ISO strings):
 * `[id, state, address, lastBeatAt ms, intervalMs, uptimeSeconds, load1, load5, load15,
 * worstSeverity 0-3, checks [[id, severity 0-3, text]], labels, flapping 0|1, silence id or 0,
 * source, sweep error (`class: message` of a swept host's failed probe, else '')]`.
 * About a quarter of the full JSON, so 10,000 hosts load in one quick request.
 */
export type CompactHost = [
  string,
  HostView['state'],
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  [string, number, string][],
  Record<string, string>,
  0 | 1,
  number,
  HostView['source'],
  string,
];

export const COMPACT_FIELDS = [
  'id',
  'state',
  'address',
  'lastBeatAt',
  'intervalMs',
  'uptimeSeconds',
  'load1',
  'load5',
  'load15',
  'worstSeverity',
  'checks',
  'labels',
  'flapping',
  'silencedBy',
  'source',
  'sweepError',
] as const;

export function compactHost(h: ListedHost, silencedBy: number | null = null): CompactHost {
  let worst = 0;
  for (const c of h.checks) if (c.severity > worst) worst = c.severity;
  return [
    h.id,
    h.state,
    h.address,
    h.lastBeatAt,
    h.intervalMs,
    h.uptimeSeconds,
    h.load[0],
    h.load[1],
    h.load[2],
    worst,
    h.checks.map((c) => [c.id, c.severity, c.text]),
    h.labels,
    h.flapping ? 1 : 0,
    silencedBy ?? 0,
    h.source,
    h.sweepError ? `${h.sweepError.class}: ${h.sweepError.message}` : '',
  ];
}
