import type { HostEvent } from '../../src/monitor/types.js';
import type { NotifyLogger } from '../../src/notify/http-client.js';
import type { NotificationBatch } from '../../src/notify/types.js';

/** 2026-11-23T18:00:00Z, the fixed time of every fixture. */
export const T0 = Date.UTC(2026, 10, 23, 18, 0, 0);

/** A `down` event for `hostId`. */
export function downEvent(id: number, hostId: string, at = T0): HostEvent {
  return { id, type: 'down', hostId, at, details: { lastBeatAt: at - 3000, timeoutMs: 3000 } };
}

/** A batch as the pipeline builds it; `kind` alert by default with two hosts down. */
export function sampleBatch(overrides: Partial<NotificationBatch> = {}): NotificationBatch {
  return {
    id: 'batch-0001',
    notifier: 'n1',
    kind: 'alert',
    title: '2 hosts down: web-1, web-2',
    text: 'web-1 down since 2026-11-23T18:00:00Z\nweb-2 down since 2026-11-23T18:00:00Z',
    events: [downEvent(11, 'web-1'), downEvent(12, 'web-2')],
    createdAt: T0 + 10_000,
    ...overrides,
  };
}

/** A logger that keeps every line, so tests can look for leaked secrets. */
export function captureLogger(): NotifyLogger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (obj: object, msg?: string) => {
    lines.push(JSON.stringify({ level, ...obj, msg }));
  };
  return { lines, debug: add('debug'), warn: add('warn') };
}
