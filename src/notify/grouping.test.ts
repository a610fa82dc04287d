import { describe, expect, it } from 'vitest';
import type { EventType, HostEvent, HostState } from '../monitor/types.js';
import { classify, listHosts, type OutboxItem, type PlanContext, planGroup } from './grouping.js';

const T0 = Date.parse('2026-11-23T12:00:00Z');
let nextId = 1;

function item(type: EventType, hostId: string, over: Partial<OutboxItem> = {}, details = {}): OutboxItem {
  const id = nextId++;
  const event: HostEvent = { id, type, hostId, at: T0 + id, details };
  return { rowId: id * 10, notifier: 'ops', event, reminder: 0, readyAt: event.at, ...over };
}

interface World {
  hosts?: Record<string, { state: HostState; flapping?: boolean; labels?: Record<string, string> }>;
  open?: string[]; // "host/key"
  silenced?: string[];
  parents?: Record<string, string>;
  failing?: string[];
}

function ctx(w: World = {}): PlanContext {
  return {
    now: T0 + 60_000,
    maxListed: 3,
    silenced: (h) => (w.silenced?.includes(h) ? 'silence 1' : undefined),
    host: (id) => {
      const h = w.hosts?.[id];
      return h ? { state: h.state, flapping: h.flapping ?? false, labels: h.labels ?? {} } : undefined;
    },
    stillFailing: (h, key) => w.failing?.includes(`${h}/${key}`) ?? false,
    parentOf: (h, labels) => labels.parent ?? w.parents?.[h],
    isOpen: (h, key) => w.open?.includes(`${h}/${key}`) ?? false,
  };
}

describe('classify', () => {
  it.each([
    ['down', {}, { role: 'problem', key: 'down' }],
    ['up', {}, { role: 'resolution', key: 'down' }],
    ['check', { checkId: 'disk:/', severity: 2 }, { role: 'problem', key: 'check:disk:/' }],
    ['check', { checkId: 'disk:/', severity: 'warning' }, { role: 'problem', key: 'check:disk:/' }],
    ['check', { checkId: 'disk:/', severity: 0 }, { role: 'resolution', key: 'check:disk:/' }],
    ['network', {}, { role: 'problem', key: 'network' }],
    ['network-recovered', {}, { role: 'resolution', key: 'network' }],
    ['new', {}, { role: 'info' }],
    ['flapping', {}, { role: 'info' }],
  ] as const)('%s %j is %j', (type, details, role) => {
    expect(classify({ type, details })).toEqual(role);
  });
});

describe('planGroup', () => {
  it('groups 50 hosts going down together into one alert titled with a few names', () => {
    const items = Array.from({ length: 50 }, (_, i) => item('down', `web-${i + 1}`));
    const plan = planGroup(items, ctx());
    expect(plan.batches).toHaveLength(1);
    expect(plan.batches[0]?.kind).toBe('alert');
    expect(plan.batches[0]?.events).toHaveLength(50);
    expect(plan.batches[0]?.title).toBe('50 hosts down: web-1, web-2, web-3 (+47 more)');
    expect(plan.open).toHaveLength(50);
    expect(plan.suppressed).toEqual([]);
  });

  it('sends an up only when its down was notified, and then closes the alert', () => {
    const notified = item('up', 'a');
    const never = item('up', 'b');
    const plan = planGroup([notified, never], ctx({ open: ['a/down'] }));
    expect(plan.batches.map((b) => [b.kind, b.title])).toEqual([['resolved', 'a up again']]);
    expect(plan.close).toEqual([{ hostId: 'a', key: 'down' }]);
    expect(plan.suppressed).toEqual([{ rowId: never.rowId, reason: 'not-notified' }]);
  });

  it('sends the resolution of a notified down even while the host is silenced or flapping', () => {
    const up = item('up', 'a');
    const plan = planGroup(
      [up],
      ctx({ open: ['a/down'], silenced: ['a'], hosts: { a: { state: 'up', flapping: true } } }),
    );
    expect(plan.batches[0]?.kind).toBe('resolved');
  });

  it('cancels a down and its up that fall into the same group', () => {
    const down = item('down', 'a');
    const up = item('up', 'a');
    const plan = planGroup([down, up], ctx());
    expect(plan.batches).toEqual([]);
    expect(plan.suppressed.map((s) => s.reason)).toEqual(['resolved-in-group', 'resolved-in-group']);
    expect(plan.open).toEqual([]);
  });

  it('suppresses problems of silenced hosts but keeps the others', () => {
    const plan = planGroup([item('down', 'a'), item('down', 'b')], ctx({ silenced: ['a'] }));
    expect(plan.batches[0]?.title).toBe('b down');
    expect(plan.suppressed[0]).toMatchObject({ reason: 'silenced', detail: 'silence 1' });
  });

  it('pages the flapping event but not the downs of a flapping host', () => {
    const plan = planGroup(
      [item('down', 'a'), item('flapping', 'a')],
      ctx({ hosts: { a: { state: 'down', flapping: true } } }),
    );
    expect(plan.batches.map((b) => b.title)).toEqual(['a is flapping (pages paused)']);
    expect(plan.suppressed.map((s) => s.reason)).toEqual(['flapping']);
  });

  it('suppresses children of a down parent and counts them in the parent message', () => {
    const kids = ['k1', 'k2', 'k3', 'k4'].map((k) => item('down', k));
    const parent = item('down', 'router');
    const hosts = Object.fromEntries(
      ['k1', 'k2', 'k3', 'k4'].map((k) => [k, { state: 'down' as const, labels: { parent: 'router' } }]),
    );
    const plan = planGroup([...kids, parent], ctx({ hosts: { ...hosts, router: { state: 'down' } } }));
    expect(plan.batches).toHaveLength(1);
    expect(plan.batches[0]?.events.map((e) => e.hostId)).toEqual(['router']);
    expect(plan.batches[0]?.events[0]?.details.dependents).toEqual(['k1', 'k2', 'k3', 'k4']);
    expect(plan.batches[0]?.title).toBe('router down; 4 dependent hosts of router affected');
    expect(plan.suppressed.map((s) => s.reason)).toEqual(Array(4).fill('parent-down'));
  });

  it('still pages a child whose parent is up', () => {
    const plan = planGroup(
      [item('down', 'k1')],
      ctx({ parents: { k1: 'router' }, hosts: { router: { state: 'up' } } }),
    );
    expect(plan.batches[0]?.title).toBe('k1 down');
  });

  it('drops a down held back by alert_after when the host recovered meanwhile', () => {
    const down = item('down', 'a');
    const held = { ...down, readyAt: down.event.at + 30_000 };
    const plan = planGroup([held], ctx({ hosts: { a: { state: 'up' } } }));
    expect(plan.batches).toEqual([]);
    expect(plan.suppressed[0]?.reason).toBe('recovered');
  });

  it('keeps only the latest severity of a check that escalated within the group', () => {
    const warn = item('check', 'db', {}, { checkId: 'raid', severity: 1, text: 'degraded' });
    const crit = item('check', 'db', {}, { checkId: 'raid', severity: 2, text: 'failed' });
    const plan = planGroup([warn, crit], ctx());
    expect(plan.batches).toHaveLength(1);
    expect(plan.batches[0]?.events).toEqual([crit.event]);
    expect(plan.batches[0]?.rowIds.sort()).toEqual([warn.rowId, crit.rowId].sort());
    expect(plan.batches[0]?.title).toBe('db raid CRITICAL: failed');
  });

  it('sends reminders only for open alerts that still fail and are not silenced', () => {
    const r1 = item('down', 'a', { reminder: 1 });
    const r2 = item('down', 'b', { reminder: 1 });
    const r3 = item('down', 'c', { reminder: 1 });
    const plan = planGroup(
      [r1, r2, r3],
      ctx({ open: ['a/down', 'b/down', 'c/down'], failing: ['a/down', 'c/down'], silenced: ['c'] }),
    );
    expect(plan.batches.map((b) => [b.kind, b.title])).toEqual([['reminder', 'still: a down']]);
    expect(plan.suppressed.map((s) => s.reason)).toEqual(['not-failing', 'silenced']);
  });

  it('mixes kinds in one title and lists every event in the text', () => {
    const plan = planGroup([item('new', 'n1'), item('new', 'n2'), item('down', 'd1')], ctx());
    expect(plan.batches[0]?.title).toBe('2 new hosts: n1, n2; d1 down');
    expect(plan.batches[0]?.text.split('\n')).toHaveLength(3);
  });
});

describe('listHosts', () => {
  it('lists up to max names then counts the rest', () => {
    expect(listHosts(['a', 'b'], 3)).toBe('a, b');
    expect(listHosts(['a', 'b', 'c', 'd', 'e'], 3)).toBe('a, b, c (+2 more)');
  });
});

describe('planGroup after flapping', () => {
  it('pages a host that stops flapping while down, and later resolves it', () => {
    const stop = item('flapping-stopped', 'f');
    const plan = planGroup([stop], ctx({ hosts: { f: { state: 'down' } } }));
    expect(plan.batches[0]?.title).toBe('f stopped flapping and is down');
    expect(plan.open).toEqual([{ hostId: 'f', key: 'down', eventId: stop.event.id }]);
    expect(plan.rewrites[0]?.event.details).toEqual({ stillDown: true });
  });

  it('just reports the stop when the host is up', () => {
    const plan = planGroup([item('flapping-stopped', 'f')], ctx({ hosts: { f: { state: 'up' } } }));
    expect(plan.batches[0]?.title).toBe('f stopped flapping');
    expect(plan.open).toEqual([]);
  });
});

describe('planGroup reminders after flapping', () => {
  it('reminds about a host that stopped flapping while down', () => {
    const r = item('flapping-stopped', 'f', { reminder: 1 }, { stillDown: true });
    const plan = planGroup(
      [r],
      ctx({ open: ['f/down'], failing: ['f/down'], hosts: { f: { state: 'down' } } }),
    );
    expect(plan.batches.map((b) => [b.kind, b.title])).toEqual([
      ['reminder', 'still: f stopped flapping and is down'],
    ]);
  });
});

describe('planGroup ordering', () => {
  it('sends a resolution before a new problem of the same host that came after it', () => {
    const up = item('up', 'a');
    const down = item('down', 'a');
    const plan = planGroup([up, down], ctx({ open: ['a/down'], hosts: { a: { state: 'down' } } }));
    expect(plan.batches.map((b) => b.kind)).toEqual(['resolved', 'alert']);
    expect(plan.close).toEqual([{ hostId: 'a', key: 'down' }]);
    expect(plan.open).toEqual([{ hostId: 'a', key: 'down', eventId: down.event.id }]);
  });
});
