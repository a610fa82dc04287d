import { describe, expect, it } from 'vitest';
import type { HostState, NewEvent } from '../types.js';
import { pendingStillTrue, takeoverEvents } from './reconcile.js';

const host = (id: string, state: HostState, stateSince = 5000) => ({
  id,
  source: 'agent' as const,
  address: '10.0.0.1:4000',
  firstSeenAt: 1000,
  state,
  stateSince,
  lastBeatAt: 2000,
  timeoutMs: 3000,
});

describe('takeoverEvents', () => {
  it('records what the new active found while standby: down over up, up over down, new for unknown hosts', () => {
    const recorded = new Map<string, HostState>([
      ['died', 'up'],
      ['back', 'down'],
      ['same', 'up'],
      ['left', 'left'],
    ]);
    const events = takeoverEvents(
      [
        host('died', 'down'),
        host('back', 'up', 7000),
        host('same', 'up'),
        host('left', 'down'),
        host('unknown', 'down'),
      ],
      (id) => recorded.get(id),
      9000,
    );
    expect(events.map((e) => [e.type, e.hostId, e.at])).toEqual([
      ['down', 'died', 5000],
      ['up', 'back', 7000],
      ['new', 'unknown', 1000],
      ['down', 'unknown', 5000],
    ]);
    expect(events[0]?.details).toMatchObject({ noticedAt: 9000, takeover: true });
  });
});

describe('pendingStillTrue', () => {
  const ev = (type: NewEvent['type'], hostId: string, at: number): NewEvent => ({
    type,
    hostId,
    at,
    details: {},
  });
  const cases: Array<{
    name: string;
    queued: NewEvent[];
    recorded: Record<string, HostState>;
    current: Record<string, HostState>;
    keep: string[];
  }> = [
    {
      name: 'keeps a down that is still true',
      queued: [ev('down', 'a', 1)],
      recorded: { a: 'up' },
      current: { a: 'down' },
      keep: ['down:a'],
    },
    {
      name: 'drops a down and up of a host that came back during the outage',
      queued: [ev('down', 'b', 1), ev('up', 'b', 2)],
      recorded: { b: 'up' },
      current: { b: 'up' },
      keep: [],
    },
    {
      name: 'keeps down, up, down in order when the host ends down',
      queued: [ev('down', 'c', 1), ev('up', 'c', 2), ev('down', 'c', 3)],
      recorded: { c: 'up' },
      current: { c: 'down' },
      keep: ['down:c', 'up:c', 'down:c'],
    },
    {
      name: 'drops a new for a host the store knows, keeps it for an unknown one (and its check)',
      queued: [ev('new', 'known', 1), ev('new', 'fresh', 2), ev('check', 'fresh', 3)],
      recorded: { known: 'up' },
      current: { known: 'up', fresh: 'up' },
      keep: ['new:fresh', 'check:fresh'],
    },
    {
      name: 'drops a repeat of the recorded state and keeps monitor-wide events',
      queued: [ev('network', '', 1), ev('down', 'd', 2)],
      recorded: { d: 'down' },
      current: { d: 'up' },
      keep: ['network:'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = pendingStillTrue(
        c.queued,
        (id) => c.recorded[id],
        (id) => c.current[id],
      );
      expect(r.events.map((e) => `${e.type}:${e.hostId}`)).toEqual(c.keep);
    });
  }
});
