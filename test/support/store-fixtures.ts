/** Sample rows for the store conformance suite and the store benchmark. */

import type { HostEvent } from '../../src/monitor/types.js';
import type { GroupPlan } from '../../src/notify/grouping.js';
import type { ClaimContext, NewOutboxRow, NewStoreEvent, StoredHost } from '../../src/store/types.js';
import type { SweepResult } from '../../src/sweep/types.js';

/** A host with every field set to something distinct. */
export function sampleHost(id: string, over: Partial<StoredHost> = {}): StoredHost {
  return {
    id,
    state: 'up',
    source: 'agent',
    address: '10.0.0.1:4000',
    firstSeenAt: 1_700_000_000_001,
    lastBeatAt: 1_700_000_000_002,
    stateSince: 1_700_000_000_003,
    bootId: '0123456789abcdef',
    seq: 42,
    sentAt: 1_700_000_000_002,
    intervalMs: 1000,
    timeoutMs: 3000,
    uptimeSeconds: 12.5,
    load: [0.1, 0.2, 0.3],
    memTotalBytes: 8e9,
    memAvailableBytes: 5e8,
    diskTotalBytes: 1e12,
    diskUsedBytes: 1e9,
    checks: [{ id: 'disk:/', severity: 1, text: 'full' }],
    labels: { role: 'web' },
    flapping: false,
    flapBits: 0b1011,
    ...over,
  };
}

export function ev(type: NewStoreEvent['type'], hostId: string, at: number, key?: string): NewStoreEvent {
  return {
    type,
    hostId,
    at,
    details: { n: at, nested: { ok: true } },
    ...(key !== undefined ? { transitionKey: key } : {}),
  };
}

/** One outbox row per event for each notifier, ready at once. */
export function rowsFor(
  events: readonly HostEvent[],
  notifiers: readonly string[],
  now = 1000,
): NewOutboxRow[] {
  return events.flatMap((event) =>
    notifiers.map((notifier) => ({ event, notifier, reminder: 0, createdAt: now, readyAt: now })),
  );
}

/** A planner that sends every claimed row in one `alert` batch and opens a `down` alert per host. */
export function sendAll(ctx: ClaimContext): GroupPlan {
  const rowIds = ctx.items.map((i) => i.rowId);
  return {
    suppressed: [],
    batches:
      rowIds.length === 0
        ? []
        : [
            {
              kind: 'alert',
              title: `${rowIds.length} events`,
              text: 'text',
              rowIds,
              events: ctx.items.map((i) => i.event),
            },
          ],
    open: ctx.items
      .filter((i) => i.event.type === 'down')
      .map((i) => ({ hostId: i.event.hostId, key: 'down', eventId: i.event.id })),
    close: [],
    rewrites: [],
  };
}

export function okResult(target: string, at: number): SweepResult {
  return {
    status: 'ok',
    target,
    host: target.replace(/^.*@/, ''),
    at,
    durationMs: 12,
    uptimeSeconds: 3600,
    bootedAt: '2026-01-01T00:00:00Z',
    load1: 0.5,
    load5: 0.25,
    load15: 0.125,
    users: 2,
  };
}

export function errResult(target: string, at: number): SweepResult {
  return {
    status: 'error',
    target,
    host: target,
    at,
    durationMs: 5000,
    errorClass: 'timeout',
    message: 'connect timed out',
  };
}
