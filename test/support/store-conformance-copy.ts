/**
 * The copy cases of the store conformance suite (`exportPages` / `importRows` /
 * `countRows` per domain, `truncate`, `copyStore`), and the two helpers the migration test
 * uses too: {@link fillStore} writes every domain through the real store API (events with
 * outbox rows pending, batched, sent, retried and suppressed; open alerts; silences with
 * a gap in their ids; a finished and an unfinished sweep run) and {@link storeSnapshot}
 * reads everything back through the store interface.
 */
import { describe, expect, it } from 'vitest';
import { COPIED_DOMAINS, CopyIncompleteError, copyStore, countCopied } from '../../src/store/copy.js';
import type { OutboxRecord, RowCopy, Store } from '../../src/store/types.js';
import { errResult, ev, okResult, rowsFor, sampleHost, sendAll } from './store-fixtures.js';

/** Writes a little of everything, with states a migration must keep; returns what a test checks. */
export async function fillStore(s: Store): Promise<{ pendingHook: number; sentBatch: string }> {
  await s.hosts.save([sampleHost('db-1', { labels: { role: 'db', zone: 'b' } }), sampleHost('web-2')]);
  const off = s.events.onRecorded((events) => rowsFor(events, ['hook', 'mail']));
  await s.events.record(
    [
      ev('new', 'web-1', 10),
      ev('down', 'web-1', 20, 'web-1:down:20'),
      ev('down', 'db-1', 21, 'db-1:down:21'),
    ],
    { hosts: [sampleHost('web-1', { state: 'down', checks: [] })] },
  );
  const sent = await s.outbox.claim('hook', 2000, 9000, sendAll);
  const sentBatch = sent.batchIds[0] as string;
  await s.outbox.markSent(sentBatch, 2100);
  const mail = await s.outbox.claim('mail', 2000, 9000, (ctx) => ({
    ...sendAll({ items: ctx.items.slice(1), open: ctx.open }),
    suppressed: ctx.items
      .slice(0, 1)
      .map((i) => ({ rowId: i.rowId, reason: 'silenced' as const, detail: 'x' })),
  }));
  await s.outbox.markRetry(mail.batchIds[0] as string, 5000, 'HTTP 503');
  // Recorded after the claims: pending for both notifiers, to be sent after a migration.
  await s.events.record([ev('up', 'web-1', 30, 'web-1:up:30'), ev('left', 'web-2', 31)]);
  off();
  await s.events.record([ev('up', 'db-1', 40)]); // no outbox rows (no hook)
  await s.outbox.remindDue(2100, 2200, ['hook']);
  const glob = { startsAt: 0, comment: 'maintenance', createdBy: 'ops', createdAt: 5 };
  await s.silences.add({ ...glob, hostGlob: 'web-*', endsAt: 9_000_000, origin: 'api' });
  const gone = await s.silences.add({ ...glob, hostGlob: 'tmp', endsAt: 10, origin: 'api' });
  await s.silences.remove(gone.id);
  await s.silences.replaceConfig([
    { ...glob, hostGlob: '*', endsAt: null, cron: '0 2 * * 0', durationMs: 3_600_000, origin: 'config' },
  ]);
  await s.sweeps.begin({ id: 'run-1', startedAt: 100, total: 2, mode: 'local' });
  await s.sweeps.write('run-1', okResult('root@a', 110));
  await s.sweeps.write('run-1', errResult('b', 120));
  await s.sweeps.finish('run-1', 130);
  await s.sweeps.begin({ id: 'run-2', startedAt: 200, total: 3, mode: 'redis', everyMs: 60_000 });
  await s.sweeps.write('run-2', okResult('b', 210));
  return { pendingHook: (await s.outbox.pending('hook', 1e15)).length, sentBatch };
}

/** Every record a domain exports, in export order. */
export async function exportAll<R>(d: RowCopy<R>, pageSize?: number): Promise<R[]> {
  const out: R[] = [];
  for await (const page of d.exportPages(pageSize)) out.push(...page);
  return out;
}

/** Everything a store holds, read back through its interface (readers and exports). */
export async function storeSnapshot(s: Store) {
  const outboxRecords = await exportAll(s.outbox);
  const notifiers = [...new Set(outboxRecords.flatMap((r) => ('notifier' in r ? [r.notifier] : [])))].sort();
  const perNotifier: Record<string, unknown> = {};
  for (const n of notifiers) {
    perNotifier[n] = {
      pending: await s.outbox.pending(n, 1e15),
      head: await s.outbox.head(n),
      alerts: await s.outbox.alerts(n),
    };
  }
  const runs = await s.sweeps.list(10_000);
  const results: Record<string, unknown> = {};
  for (const r of runs) results[r.id] = await s.sweeps.results(r.id);
  const records: Record<string, unknown[]> = {};
  for (const d of COPIED_DOMAINS) records[d] = await exportAll<unknown>(s[d]);
  return {
    counts: await countCopied(s),
    hosts: await s.hosts.load(),
    events: await s.events.list({ limit: 10_000 }),
    lastId: await s.events.lastId(),
    outbox: {
      cursor: await s.outbox.cursor(),
      depth: await s.outbox.depth(),
      firstReady: [...(await s.outbox.firstReady())].sort(),
      headTimes: [...(await s.outbox.headTimes())].sort(),
      nextAlertNotified: await s.outbox.nextAlertNotified(),
      perNotifier,
    },
    silences: await s.silences.list(),
    sweeps: { runs, results, latest: await s.sweeps.latest() },
    records,
  };
}

/** Imports `from`'s domains into `to` page by page (what `copyStore` does, spelled out). */
async function importAll(from: Store, to: Store, pageSize: number): Promise<number> {
  let n = 0;
  for (const d of COPIED_DOMAINS) {
    const dst: RowCopy<unknown> = to[d];
    for await (const page of (from[d] as RowCopy<unknown>).exportPages(pageSize)) {
      expect(page.length).toBeGreaterThan(0);
      expect(page.length).toBeLessThanOrEqual(pageSize);
      n += await dst.importRows(page);
    }
  }
  return n;
}

const SILENCE = {
  hostGlob: 'n',
  startsAt: 0,
  endsAt: 1,
  comment: '',
  createdBy: '',
  createdAt: 1,
  origin: 'api',
} as const;

/** Registers the copy cases; `fresh` opens a store on a new empty target. */
export function copyCases(fresh: () => Promise<Store>): void {
  describe('copy (thump db migrate)', () => {
    it('exports every domain in pages and imports it exactly: ids, order, states', async () => {
      const a = await fresh();
      await fillStore(a);
      const b = await fresh();
      const total = (await countCopied(a)).reduce((n, c) => n + c.rows, 0);
      expect(await importAll(a, b, 2)).toBe(total);
      const snap = await storeSnapshot(a);
      expect(snap.counts.find((c) => c.table === 'notify_batches')?.rows).toBe(2);
      expect(
        snap.records.outbox?.some((r) => (r as OutboxRecord & { state?: string }).state === 'suppressed'),
      ).toBe(true);
      expect(await storeSnapshot(b)).toEqual(snap);
    });

    it('continues where the source stood: new ids after the copied ones, keys still deduplicate', async () => {
      const a = await fresh();
      await fillStore(a);
      const b = await fresh();
      await importAll(a, b, 1000);
      const last = await a.events.lastId();
      for (const s of [a, b]) {
        const [e] = await s.events.record([ev('down', 'web-9', 50)]);
        expect(e?.id).toBe(last + 1);
        expect(await s.events.record([ev('down', 'web-1', 20, 'web-1:down:20')])).toEqual([]);
        await s.outbox.enqueue(rowsFor(e ? [e] : [], ['hook'], 3000));
      }
      // The next batch gets the same, new id on both: no collision with a copied batch.
      const copied = (await exportAll(b.outbox)).flatMap((r) => (r.table === 'batch' ? [r.id] : []));
      const claimA = await a.outbox.claim('hook', 3000, 9000, sendAll);
      expect(await b.outbox.claim('hook', 3000, 9000, sendAll)).toEqual(claimA);
      expect(claimA.batchIds).toHaveLength(1);
      expect(copied).not.toContain(claimA.batchIds[0]);
      const sa = await a.silences.add(SILENCE);
      const sb = await b.silences.add(SILENCE);
      expect(sb.id).toBe(sa.id);
      expect(await storeSnapshot(b)).toEqual(await storeSnapshot(a));
    });

    it('imports idempotently: the same pages again add nothing', async () => {
      const a = await fresh();
      await fillStore(a);
      const b = await fresh();
      await importAll(a, b, 3);
      const once = await storeSnapshot(b);
      expect(await importAll(a, b, 5)).toBe(0);
      expect(await storeSnapshot(b)).toEqual(once);
    });

    it('truncates every copied domain in one call, restarting ids; the lease stays', async () => {
      const s = await fresh();
      const lease = await s.lease.tryAcquireOrRenew('m1', 60_000, 1000);
      await fillStore(s);
      await s.truncate();
      expect((await countCopied(s)).filter((c) => c.rows > 0)).toEqual([]);
      expect(await s.lease.current()).toMatchObject({ holder: 'm1', epoch: lease.epoch });
      s.events.onRecorded((events) => rowsFor(events, ['hook']));
      const [e] = await s.events.record([ev('down', 'x', 1)]);
      expect(e?.id).toBe(1);
      expect((await s.outbox.claim('hook', 2000, 9000, sendAll)).batchIds).toEqual(['hook-1']);
      const sil = await s.silences.add(SILENCE);
      expect(sil.id).toBe(1);
    });

    it('copyStore copies, verifies the counts, and refuses a target holding other rows', async () => {
      const a = await fresh();
      await fillStore(a);
      const b = await fresh();
      const pages: string[] = [];
      const r = await copyStore(a, b, { pageSize: 4, onPage: (d, n) => pages.push(`${d}:${n}`) });
      expect(r.copied).toBe(r.tables.reduce((n, t) => n + t.source, 0));
      expect(r.tables.every((t) => t.source === t.target)).toBe(true);
      expect(pages).toContain('events:4');
      expect(await storeSnapshot(b)).toEqual(await storeSnapshot(a));
      // Again into the same target: nothing new, still equal.
      expect((await copyStore(a, b)).copied).toBe(0);
      await b.hosts.save([sampleHost('only-in-target')]);
      await expect(copyStore(a, b)).rejects.toThrow(CopyIncompleteError);
      await expect(copyStore(a, b)).rejects.toThrow(/hosts source 3, target 4/);
    });
  });
}
