import { describe, expect, it } from 'vitest';
import type { HostState } from '../types.js';
import { takeoverEvents } from './reconcile.js';

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
