/**
 * The values the store keeps beyond the domains' own types (a persisted host, an open
 * alert, a queued batch, an agentless host's latest state): named here once, below both the
 * interface (types.ts) and the copy records (records.ts), so neither imports the other.
 */
import type { HostView } from '../monitor/types.js';
import type { NotificationBatch } from '../notify/types.js';
import type { SweepResult } from '../sweep/types.js';

/**
 * A host as persisted: what the API shows plus the bits the monitor needs to resume
 * exactly where it stopped (the last beat's send time for the replay check and the
 * flapping sample window).
 */
export interface StoredHost extends HostView {
  /** Agent clock of the last accepted beat (a replay of an older boot is older than this). */
  sentAt: number;
  /** Flapping window: bit i set = the i-th most recent state sample was a change. */
  flapBits: number;
}

/** A batch waiting to be (re)sent, with its rows' events. */
export interface QueuedBatch {
  batch: NotificationBatch;
  attempts: number;
  nextAttemptAt: number;
  deadlineAt: number;
}

/** A problem a notifier was told about and not yet told is resolved (reminders count here). */
export interface OpenAlert {
  notifier: string;
  hostId: string;
  key: string;
  eventId: number;
  openedAt: number;
  lastNotifiedAt: number;
  reminders: number;
}

/** An agentless host as the dashboard shows it: state from its latest sweep result. */
export interface SweepHostState {
  target: string;
  host: string;
  state: 'up' | 'down';
  /** When the host last changed between up and down (first sweep counts as a change). */
  stateSince: number;
  runId: string;
  /** Repeat interval of the run that produced `result` (`--every`), or null when one-off/unknown. */
  everyMs: number | null;
  result: SweepResult;
}
