import { describe, expect, it } from 'vitest';
import { type HealthInputs, judgeHealth } from './health.js';

const base: HealthInputs = {
  dbOk: true,
  monitor: { storeWriteErrors: { events: 0, hosts: 0 }, pendingEvents: 0 },
  dispatcher: { errorsTotal: 0, consecutiveFailures: 0 },
  maxEventLoopLagMs: 1_000,
  maxDispatchFailures: 3,
};

describe('judgeHealth', () => {
  it.each<[string, Partial<HealthInputs>, RegExp | undefined]>([
    ['all well', {}, undefined],
    ['no monitor health or dispatcher known', { monitor: undefined, dispatcher: undefined }, undefined],
    ['the database does not answer', { dbOk: false }, /^db: the database does not answer$/],
    [
      'the last event write failed with events pending',
      {
        monitor: {
          storeWriteErrors: { events: 3, hosts: 0 },
          pendingEvents: 42,
          lastEventWriteError: { at: 1, message: 'database or disk is full' },
        },
      },
      /^store: cannot write events \(database or disk is full\); 42 events pending/,
    ],
    [
      'a past write error that a later write cleared',
      { monitor: { storeWriteErrors: { events: 3, hosts: 1 }, pendingEvents: 0 } },
      undefined,
    ],
    [
      'the dispatcher failing at the threshold',
      { dispatcher: { errorsTotal: 9, consecutiveFailures: 3, lastError: { at: 1, message: 'boom' } } },
      /^notify: the dispatcher failed 3 steps in a row \(boom\)/,
    ],
    [
      'the dispatcher failing below the threshold',
      { dispatcher: { errorsTotal: 2, consecutiveFailures: 2 } },
      undefined,
    ],
    [
      'the event loop lagging past the threshold',
      {
        monitor: {
          storeWriteErrors: { events: 0, hosts: 0 },
          pendingEvents: 0,
          eventLoop: { p99Ms: 2_500, maxMs: 4_000, windowMs: 10_000 },
        },
      },
      /^event loop: p99 delay 2\.50s over the last 10s exceeds http\.health_max_event_loop_lag \(1\.00s\)$/,
    ],
    [
      'the event loop just under the threshold',
      {
        monitor: {
          storeWriteErrors: { events: 0, hosts: 0 },
          pendingEvents: 0,
          eventLoop: { p99Ms: 999, maxMs: 1_500, windowMs: 10_000 },
        },
      },
      undefined,
    ],
  ])('%s', (_what, over, reason) => {
    const v = judgeHealth({ ...base, ...over });
    if (reason === undefined) {
      expect(v).toEqual({ status: 'ok', reasons: [] });
    } else {
      expect(v.status).toBe('degraded');
      expect(v.reasons).toHaveLength(1);
      expect(v.reasons[0]).toMatch(reason);
    }
  });

  it('lists every problem at once', () => {
    const v = judgeHealth({
      ...base,
      dbOk: false,
      dispatcher: { errorsTotal: 5, consecutiveFailures: 5 },
    });
    expect(v.reasons.map((r) => r.split(':')[0])).toEqual(['db', 'notify']);
  });
});
