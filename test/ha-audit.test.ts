/**
 * The exactly-once audit the failover tests and bench/ha-failover.ts rely on: it must find
 * each kind of fault, or a green failover run proves nothing.
 */
import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../src/monitor/types.js';
import { audit, auditFailures } from './support/ha-audit.js';
import type { Delivery } from './support/ha-world.js';

let nextId = 0;
const ev = (type: HostEvent['type'], hostId: string): HostEvent => ({
  id: ++nextId,
  type,
  hostId,
  at: nextId,
  details: {},
});
const sent = (batchId: string, events: HostEvent[]): Delivery => ({
  from: 'm1',
  at: 0,
  batchId,
  idempotencyKey: batchId,
  title: batchId,
  events: events.map((e) => ({ id: e.id, type: e.type, hostId: e.hostId })),
});

describe('HA audit', () => {
  it('passes a clean run: new, down, up, each delivered once (a repeated batch id is only counted)', () => {
    const e = [ev('new', 'a'), ev('new', 'b'), ev('down', 'b'), ev('up', 'b'), ev('down', 'b')];
    const d = [sent('ops-1', e.slice(0, 2)), sent('ops-2', e.slice(2)), sent('ops-2', e.slice(2))];
    const a = audit(e, d, { dead: ['b'], alive: ['a'] });
    expect(auditFailures(a)).toBe(0);
    expect(a.repeatedBatches).toEqual(['ops-2']);
  });

  it('finds every kind of fault', () => {
    const e = [
      ev('new', 'a'),
      ev('new', 'b'),
      ev('new', 'c'),
      ev('down', 'a'), // a kept beating: false down
      ev('down', 'b'),
      ev('down', 'b'), // recorded twice
      ev('new', 'c'), // c is known
      ev('up', 'c'), // never delivered
    ];
    const d = [sent('ops-1', e.slice(0, 7)), sent('ops-9', [e[4] as HostEvent])];
    const a = audit(e, d, { dead: ['b', 'd'], alive: ['a'] });
    expect(a.falseDowns).toEqual(['a']);
    expect(a.missedDowns).toEqual(['d']);
    expect(a.duplicateEvents).toEqual([`b:down#${(e[5] as HostEvent).id}`]);
    expect(a.newForKnown).toEqual(['c']);
    expect(a.duplicateDeliveries).toEqual([(e[4] as HostEvent).id]);
    expect(a.undelivered).toEqual([(e[7] as HostEvent).id]);
    expect(auditFailures(a)).toBe(6);
  });
});
