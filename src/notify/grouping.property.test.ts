import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventType, HostEvent, HostState } from '../monitor/types.js';
import { classify, type OutboxItem, type PlanContext, planGroup } from './grouping.js';

const HOSTS = ['a', 'b', 'c'];
const TYPES: EventType[] = ['down', 'up', 'check', 'flapping', 'flapping-stopped', 'new', 'left'];

const itemsArb = fc
  .array(
    fc.record({
      type: fc.constantFrom(...TYPES),
      host: fc.constantFrom(...HOSTS),
      severity: fc.integer({ min: 0, max: 3 }),
      reminder: fc.constantFrom(0, 0, 0, 1),
      delayed: fc.boolean(),
    }),
    { maxLength: 30 },
  )
  .map((list) =>
    list.map((x, i): OutboxItem => {
      const details = x.type === 'check' ? { checkId: 'raid', severity: x.severity } : {};
      const event: HostEvent = { id: i + 1, type: x.type, hostId: x.host, at: 1000 + i, details };
      return {
        rowId: 100 + i,
        notifier: 'n',
        event,
        reminder: x.reminder,
        readyAt: event.at + (x.delayed ? 50 : 0),
      };
    }),
  );

const worldArb = fc.record({
  open: fc.subarray(['a/down', 'b/down', 'c/down', 'a/check:raid', 'b/check:raid']),
  silenced: fc.subarray(HOSTS),
  flapping: fc.subarray(HOSTS),
  down: fc.subarray(HOSTS),
  parentOfB: fc.boolean(),
});

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function ctx(w: World): PlanContext {
  return {
    now: 5000,
    maxListed: 3,
    silenced: (h) => (w.silenced.includes(h) ? 'silence' : undefined),
    host: (id) => ({
      state: (w.down.includes(id) ? 'down' : 'up') as HostState,
      flapping: w.flapping.includes(id),
      labels: (w.parentOfB && id === 'b' ? { parent: 'a' } : {}) as Record<string, string>,
    }),
    stillFailing: (h, key) => key !== 'down' || w.down.includes(h),
    parentOf: (_h, labels) => labels.parent,
    isOpen: (h, key) => w.open.includes(`${h}/${key}`),
  };
}

describe('planGroup properties', () => {
  it('accounts for every row exactly once and never sends an empty or mixed message', () => {
    fc.assert(
      fc.property(itemsArb, worldArb, (items, w) => {
        const plan = planGroup(items, ctx(w));
        const seen = [
          ...plan.suppressed.map((s) => s.rowId),
          ...plan.batches.flatMap((b) => b.rowIds),
        ].sort();
        expect(seen).toEqual(items.map((i) => i.rowId).sort());
        for (const b of plan.batches) {
          expect(b.events.length).toBeGreaterThan(0);
          const roles = b.events.map((e) => classify(e).role);
          if (b.kind === 'resolved') expect(roles.every((r) => r === 'resolution')).toBe(true);
          if (b.kind === 'alert') expect(roles.every((r) => r !== 'resolution')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('sends a resolution only for a problem this notifier was told about', () => {
    fc.assert(
      fc.property(itemsArb, worldArb, (items, w) => {
        const plan = planGroup(items, ctx(w));
        const resolved = plan.batches.filter((b) => b.kind === 'resolved').flatMap((b) => b.events);
        for (const e of resolved) {
          const role = classify(e);
          const key = role.role === 'resolution' ? role.key : '';
          const openBefore = w.open.includes(`${e.hostId}/${key}`);
          const openedHere = items.some(
            (i) =>
              i.event.id < e.id &&
              i.event.hostId === e.hostId &&
              plan.batches.some((b) => b.kind === 'alert' && b.events.some((x) => x.id === i.event.id)),
          );
          expect(openBefore || openedHere).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never pages a down of a silenced host', () => {
    fc.assert(
      fc.property(itemsArb, worldArb, (items, w) => {
        const plan = planGroup(items, ctx(w));
        const paged = plan.batches.filter((b) => b.kind !== 'resolved').flatMap((b) => b.events);
        for (const e of paged) if (e.type === 'down') expect(w.silenced).not.toContain(e.hostId);
      }),
      { numRuns: 500 },
    );
  });
});
