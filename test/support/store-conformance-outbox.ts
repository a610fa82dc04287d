/** The outbox cases of the store conformance suite (claim, fix, ack, retry, reminders, prune). */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { ev, rowsFor, sendAll } from './store-fixtures.js';

/** Registers the outbox cases; `fresh` opens a store on a new empty target. */
export function outboxCases(fresh: () => Promise<Store>): void {
  describe('outbox', () => {
    async function queued(s: Store, n: number, notifiers = ['hook']) {
      const events = await s.events.record(Array.from({ length: n }, (_, i) => ev('down', `h${i}`, i)));
      expect(await s.outbox.enqueue(rowsFor(events, notifiers))).toBe(n * notifiers.length);
      expect(await s.outbox.enqueue(rowsFor(events, notifiers))).toBe(0); // unique per (event, notifier, reminder)
      return events;
    }

    it('claims ready rows into a batch with a stable id, then acks it', async () => {
      const s = await fresh();
      const events = await queued(s, 3);
      expect(await s.outbox.firstReady()).toEqual(new Map([['hook', 1000]]));
      expect(await s.outbox.depth()).toBe(3);
      const claim = await s.outbox.claim('hook', 2000, 9000, sendAll);
      expect(claim).toEqual({ batchIds: ['hook-1'], claimed: 3 });
      expect(await s.outbox.claim('hook', 2000, 9000, sendAll)).toEqual({ batchIds: [], claimed: 0 });
      expect(await s.outbox.firstReady()).toEqual(new Map());
      const head = await s.outbox.head('hook');
      expect(head?.batch).toMatchObject({ id: 'hook-1', kind: 'alert', title: '3 events', events });
      expect(head).toMatchObject({ attempts: 0, nextAttemptAt: 2000, deadlineAt: 9000 });
      expect(await s.outbox.headTimes()).toEqual(new Map([['hook', 2000]]));
      await s.outbox.markSent('hook-1', 2100);
      expect(await s.outbox.head('hook')).toBeUndefined();
      expect(await s.outbox.depth()).toBe(0);
      expect((await s.outbox.alerts('hook')).map((a) => a.hostId).sort()).toEqual(['h0', 'h1', 'h2']);
      await queued(s, 1, ['other']);
      expect((await s.outbox.claim('other', 3000, 9000, sendAll)).batchIds).toEqual(['other-2']);
    });

    it('keeps ready_at: rows not yet ready are not claimed', async () => {
      const s = await fresh();
      const [e] = await s.events.record([ev('down', 'a', 1)]);
      if (!e) throw new Error('not recorded');
      await s.outbox.enqueue([{ event: e, notifier: 'n', reminder: 0, createdAt: 1000, readyAt: 5000 }]);
      expect(await s.outbox.pending('n', 4999)).toEqual([]);
      expect((await s.outbox.claim('n', 4999, 9000, sendAll)).claimed).toBe(0);
      expect((await s.outbox.claim('n', 5000, 9000, sendAll)).claimed).toBe(1);
    });

    it('retries with the same batch id and fails for good', async () => {
      const s = await fresh();
      await queued(s, 2);
      const [id] = (await s.outbox.claim('hook', 2000, 9000, sendAll)).batchIds;
      if (id === undefined) throw new Error('no batch');
      await s.outbox.markRetry(id, 4000, 'HTTP 503');
      expect(await s.outbox.head('hook')).toMatchObject({
        batch: { id },
        attempts: 1,
        nextAttemptAt: 4000,
      });
      expect(await s.outbox.headTimes()).toEqual(new Map([['hook', 4000]]));
      await s.outbox.markFailed(id, 'gave up');
      expect(await s.outbox.head('hook')).toBeUndefined();
      expect(await s.outbox.depth()).toBe(0);
    });

    it('fixes suppressions, rewrites and alert closes from the plan; passes open alerts in', async () => {
      const s = await fresh();
      await queued(s, 2);
      await s.outbox.claim('hook', 2000, 9000, sendAll);
      await s.outbox.markSent('hook-1', 2000);
      const [up] = await s.events.record([ev('up', 'h0', 50)]);
      if (!up) throw new Error('not recorded');
      await s.outbox.enqueue(rowsFor([up], ['hook'], 3000));
      const seen: string[] = [];
      await s.outbox.claim('hook', 3000, 9000, (ctx) => {
        seen.push(...[...ctx.open].map((k) => k.replace('\u0000', '/')).sort());
        const row = ctx.items[0];
        if (!row) throw new Error('no row');
        return {
          suppressed: [],
          batches: [{ kind: 'resolved', title: 'ok', text: '', rowIds: [row.rowId], events: [row.event] }],
          open: [],
          close: [{ hostId: 'h0', key: 'down' }],
          rewrites: [{ rowId: row.rowId, event: { ...row.event, details: { rewritten: true } } }],
        };
      });
      expect(seen).toEqual(['h0/down', 'h1/down']);
      expect((await s.outbox.alerts('hook')).map((a) => a.hostId)).toEqual(['h1']);
      expect((await s.outbox.head('hook'))?.batch.events[0]?.details).toEqual({ rewritten: true });
      const [x] = await s.events.record([ev('down', 'z', 60)]);
      await s.outbox.enqueue(rowsFor(x ? [x] : [], ['hook'], 3000));
      await s.outbox.claim('hook', 3000, 9000, (ctx) => ({
        ...sendAll({ items: [], open: ctx.open }),
        suppressed: ctx.items.map((i) => ({
          rowId: i.rowId,
          reason: 'silenced' as const,
          detail: 'silence 1',
        })),
      }));
      expect(await s.outbox.pending('hook', 9000)).toEqual([]);
    });

    it('queues reminders of open alerts once per due round, and prunes old history', async () => {
      const s = await fresh();
      await queued(s, 2);
      await s.outbox.claim('hook', 2000, 9000, sendAll);
      await s.outbox.markSent('hook-1', 2000);
      expect(await s.outbox.nextAlertNotified()).toBe(2000);
      expect(await s.outbox.remindDue(1999, 5000, ['hook'])).toBe(0);
      expect(await s.outbox.remindDue(2000, 5000, ['other'])).toBe(0);
      expect(await s.outbox.remindDue(2000, 5000, ['hook'])).toBe(2);
      expect((await s.outbox.pending('hook', 5000)).map((i) => i.reminder)).toEqual([1, 1]);
      expect(await s.outbox.remindDue(2000, 5000, ['hook'])).toBe(0);
      expect(await s.outbox.nextAlertNotified()).toBe(5000);
      await s.outbox.claim('hook', 5000, 9000, sendAll);
      await s.outbox.markSent('hook-2', 5000);
      // Rows of still-open alerts are kept (reminders need their event); others go.
      expect(await s.outbox.prune(1_000_000)).toBe(0);
      const [info] = await s.events.record([ev('left', 'q', 70)]);
      await s.outbox.enqueue(rowsFor(info ? [info] : [], ['hook'], 6000));
      await s.outbox.claim('hook', 6000, 9000, (ctx) => ({
        ...sendAll({ items: [], open: ctx.open }),
        suppressed: ctx.items.map((i) => ({ rowId: i.rowId, reason: 'silenced' as const })),
      }));
      expect(await s.outbox.prune(5999)).toBe(0);
      expect(await s.outbox.prune(1_000_000)).toBe(1);
    });
  });
}
