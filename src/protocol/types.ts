/**
 * Values carried by a heartbeat datagram (wire protocol v1, see docs/protocol.md).
 * The codec turns these into bytes and back; it knows nothing of sockets or clocks.
 */

/** Nagios convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
export type Severity = 0 | 1 | 2 | 3;
export const SEVERITY_NAMES = ['ok', 'warning', 'critical', 'unknown'] as const;
export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** One hardware or custom check's latest result, as the agent reports it. */
export interface CheckResult {
  /** Stable check id, e.g. `disk:/`, `temp:cpu`, `raid:md0`, `custom:backup` (<= 32 bytes). */
  id: string;
  severity: Severity;
  /** First line of the check's output, truncated by the encoder to fit the datagram. */
  text: string;
}

/** Everything one beat says about its host. */
export interface Beat {
  /** Stable host identity chosen by the agent (default: hostname). 1..64 bytes UTF-8. */
  hostId: string;
  /** Random per agent start (16 hex chars = 64 bits); a new one means the agent restarted. */
  bootId: string;
  /** Increments by one per beat within a boot id (u32). */
  seq: number;
  /** Agent's wall clock when sent, ms since epoch (freshness window against replays). */
  sentAt: number;
  /** Agent's announced send interval in ms; the monitor derives the host's timeout from it. */
  intervalMs: number;
  /** Set on the last beat of a clean shutdown: the host `left`, it did not die. */
  goodbye: boolean;
  /** Host uptime in seconds (from /proc/uptime), 0 if unknown. */
  uptimeSeconds: number;
  /** 1, 5 and 15 minute load averages. */
  load: [number, number, number];
  memTotalBytes: number;
  memAvailableBytes: number;
  /** Root filesystem size and used bytes. */
  diskTotalBytes: number;
  diskUsedBytes: number;
  /** Hardware/custom check results; empty when the agent runs none. */
  checks: CheckResult[];
  /** Free-form labels (`role=db`, `parent=switch-3`), used by routes, filters and dependencies. */
  labels: Record<string, string>;
}

/** A shared secret with the id that names it on the wire (rotation without downtime). */
export interface Key {
  id: number;
  secret: Buffer;
}

/**
 * Every reason a datagram can be dropped for, in a stable order: the decoder keeps one
 * frozen rejection per reason and /metrics exports each counter even at 0.
 */
export const REJECT_REASONS = [
  'too-short',
  'too-long',
  'bad-magic',
  'bad-version',
  'unknown-key',
  'bad-mac',
  'malformed',
  'stale',
  'future',
  'replay',
  'legacy-disabled',
] as const;

/** Why a datagram was dropped. Each reason has its own counter. */
export type RejectReason = (typeof REJECT_REASONS)[number];

export type DecodeResult =
  | { ok: true; beat: Beat; keyId: number }
  | { ok: false; reason: RejectReason; detail?: string };
