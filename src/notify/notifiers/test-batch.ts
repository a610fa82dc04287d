import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { NotificationBatch } from '../types.js';

/**
 * The batch `thump notify-test` (and the API's test endpoint) sends: kind `test`, no events,
 * so no receiver automation mistakes it for a real outage.
 */
export function testBatch(notifier: string, now: number): NotificationBatch {
  const host = hostname();
  return {
    id: `test-${randomUUID()}`,
    notifier,
    kind: 'test',
    title: `thump test notification for "${notifier}"`,
    text: `This is a test message from thump on ${host}, sent by "thump notify-test ${notifier}" at ${new Date(now).toISOString()}. If you can read it, the notifier works.`,
    events: [],
    createdAt: now,
  };
}
