/**
 * The cases every store backend passes unchanged (unstorage's `testDriver` pattern, as our
 * `notifierConformance`): migrations, hosts, events with their outbox rows in one
 * transaction, idempotent transitions, the outbox claim/fix/ack flow, silences, sweeps,
 * the lease with fenced writes, and the per-monitor rows. Each case opens a fresh target.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FencedError, type Store } from '../../src/store/types.js';
import { waitFor } from './proc.js';
import { copyCases } from './store-conformance-copy.js';
import { outboxCases } from './store-conformance-outbox.js';
import { errResult, ev, okResult, rowsFor, sampleHost } from './store-fixtures.js';

/** How one backend plugs into the shared cases. */
export interface StoreConformanceOptions {
  name: string;
  /** A fresh, empty target (a file path or a URL to a new database). */
  freshTarget(): Promise<string>;
  open(target: string): Promise<Store>;
  /** Writes a domain's recorded schema version directly (the "newer schema" case). */
  setSchemaVersion(target: string, domain: string, version: number): Promise<void>;
  /** Backend-only cases, run in the same describe block. */
  additionalTests?: (ctx: { fresh: () => Promise<Store> }) => void;
}

const DOMAINS = ['core', 'notify-outbox', 'silences', 'sweeps'];

export function storeConformance(opts: StoreConformanceOptions): void {
  describe(`${opts.name} store: conformance`, () => {
    const opened: Store[] = [];
    const track = (s: Store) => {
      opened.push(s);
      return s;
    };
    const fresh = async () => track(await opts.open(await opts.freshTarget()));
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('migrations', () => {
      it('creates every domain on a fresh target and re-runs as a no-op', async () => {
        const target = await opts.freshTarget();
        const a = await opts.open(target);
        const v = await a.schemaVersions();
        for (const d of DOMAINS) expect(v[d], d).toBeGreaterThanOrEqual(1);
        await a.hosts.save([sampleHost('kept')]);
        await a.close();
        const b = track(await opts.open(target));
        expect(await b.schemaVersions()).toEqual(v);
        expect((await b.hosts.load()).map((h) => h.id)).toEqual(['kept']);
      });

      it('refuses a schema newer than this thump with a clear message', async () => {
        const target = await opts.freshTarget();
        await (await opts.open(target)).close();
        await opts.setSchemaVersion(target, 'core', 99);
        await expect(opts.open(target)).rejects.toThrow(/"core" is version 99, newer than this thump/);
      });
    });

    describe('hosts', () => {
      it('saves, updates and restores every field', async () => {
        const s = await fresh();
        const h = sampleHost('web-1', { state: 'down', flapping: true });
        expect(await s.hosts.save([h])).toBe(1);
        await s.hosts.save([{ ...h, seq: 43, labels: { role: 'db' }, checks: [] }]);
        expect(await s.hosts.load()).toEqual([{ ...h, seq: 43, labels: { role: 'db' }, checks: [] }]);
      });

      it('writes a batch in one call and lists hosts in id order; removes one', async () => {
        const s = await fresh();
        const hosts = Array.from({ length: 2500 }, (_, i) => sampleHost(`h-${String(i).padStart(5, '0')}`));
        expect(await s.hosts.save([...hosts].reverse())).toBe(2500);
        const loaded = await s.hosts.load();
        expect(loaded.map((h) => h.id)).toEqual(hosts.map((h) => h.id));
        expect(await s.hosts.remove('h-00007')).toBe(true);
        expect(await s.hosts.remove('h-00007')).toBe(false);
        expect(await s.hosts.load()).toHaveLength(2499);
      });
    });

    describe('events', () => {
      it('assigns increasing ids, lists newest first with filters, knows the last id', async () => {
        const s = await fresh();
        expect(await s.events.lastId()).toBe(0);
        const rec = await s.events.record(
          Array.from({ length: 10 }, (_, i) => ev(i % 2 ? 'down' : 'up', i < 5 ? 'x' : 'y', i * 100)),
        );
        const ids = rec.map((e) => e.id);
        expect([...ids].sort((a, b) => a - b)).toEqual(ids);
        expect(rec[0]?.details).toEqual({ n: 0, nested: { ok: true } });
        const id = (i: number) => ids[i] as number;
        expect(await s.events.lastId()).toBe(id(9));
        expect((await s.events.list({ hostId: 'x' })).map((e) => e.id)).toEqual([4, 3, 2, 1, 0].map(id));
        expect((await s.events.list({ types: ['down'] })).map((e) => e.id)).toEqual([9, 7, 5, 3, 1].map(id));
        expect((await s.events.list({ since: 300, until: 600 })).map((e) => e.id)).toEqual([5, 4, 3].map(id));
        expect((await s.events.list({ beforeId: id(3), limit: 2 })).map((e) => e.id)).toEqual([2, 1].map(id));
        expect((await s.events.list({ afterId: id(7) })).map((e) => e.id)).toEqual([9, 8].map(id));
        expect((await s.events.list())[0]).toEqual(rec[9]);
      });

      it('tells watchers on another handle the newest id after a commit, not after a rollback', async () => {
        const target = await opts.freshTarget();
        const writer = track(await opts.open(target));
        const reader = track(await opts.open(target));
        const seen: number[] = [];
        const stop = await reader.events.watch((id) => seen.push(id));
        const off = writer.events.onRecorded(() => {
          throw new Error('rolled back');
        });
        await expect(writer.events.record([ev('down', 'a', 1)])).rejects.toThrow('rolled back');
        off();
        const rec = await writer.events.record([ev('down', 'a', 1), ev('down', 'b', 2)]);
        await waitFor(() => seen.includes(rec[1]?.id ?? -1), 'the notice of the recorded events', 10_000);
        expect(seen).toEqual([rec[1]?.id]);
        await stop();
        const later: number[] = [];
        const stopLater = await reader.events.watch((id) => later.push(id));
        const [up] = await writer.events.record([ev('up', 'a', 3)]);
        // Every listener gets a commit's notice at once: when the live one has it, the stopped
        // one would have had it too.
        await waitFor(
          () => later.includes(up?.id ?? -1),
          'the second watcher to hear the next commit',
          10_000,
        );
        expect(seen).toHaveLength(1);
        await stopLater();
      });

      it('records a host transition once however often it is written (transition key)', async () => {
        const s = await fresh();
        const first = await s.events.record([ev('down', 'a', 5, 'a:down:5'), ev('new', 'b', 5)]);
        expect(first).toHaveLength(2);
        const again = await s.events.record([ev('down', 'a', 5, 'a:down:5'), ev('up', 'a', 9, 'a:up:9')]);
        expect(again.map((e) => e.type)).toEqual(['up']);
        expect((await s.events.list()).map((e) => e.type)).toEqual(['up', 'new', 'down']);
        // Without a key nothing is deduplicated.
        expect(await s.events.record([ev('new', 'b', 5)])).toHaveLength(1);
      });

      it('writes events, host rows and outbox rows in one transaction, and advances the cursor', async () => {
        const s = await fresh();
        const off = s.events.onRecorded((events) => rowsFor(events, ['hook']));
        const rec = await s.events.record([ev('down', 'a', 10), ev('down', 'b', 11)], {
          hosts: [sampleHost('a'), sampleHost('b')],
        });
        expect((await s.outbox.pending('hook', 2000)).map((i) => i.event)).toEqual(rec);
        expect(await s.outbox.cursor()).toBe(rec[1]?.id);
        expect((await s.hosts.load()).map((h) => h.id)).toEqual(['a', 'b']);
        off();
        await s.events.record([ev('up', 'a', 12)]);
        expect(await s.outbox.pending('hook', 2000)).toHaveLength(2);
      });

      it('leaves neither events, hosts nor outbox rows when part of the write fails', async () => {
        const s = await fresh();
        s.events.onRecorded((events) => rowsFor(events, ['ok']));
        const off = s.events.onRecorded(() => {
          throw new Error('boom');
        });
        await expect(s.events.record([ev('down', 'a', 1)], { hosts: [sampleHost('a')] })).rejects.toThrow(
          'boom',
        );
        expect(await s.events.list()).toEqual([]);
        expect(await s.hosts.load()).toEqual([]);
        expect(await s.outbox.depth()).toBe(0);
        expect(await s.outbox.cursor()).toBeUndefined();
        off();
        await s.events.record([ev('down', 'a', 1)]);
        expect(await s.outbox.depth()).toBe(1);
      });
    });

    outboxCases(fresh);
    copyCases(fresh);

    describe('silences', () => {
      const base = { startsAt: 0, comment: 'c', createdBy: 'me', createdAt: 5 };
      it('adds, lists newest first, gets, removes api silences and refuses config ones', async () => {
        const s = await fresh();
        const a = await s.silences.add({ ...base, hostGlob: 'web-*', endsAt: 1000, origin: 'api' });
        const b = await s.silences.add({
          ...base,
          hostGlob: '*',
          endsAt: null,
          cron: '0 2 * * 0',
          durationMs: 3_600_000,
          origin: 'api',
        });
        expect((await s.silences.list()).map((x) => x.id)).toEqual([b.id, a.id]);
        expect(await s.silences.get(b.id)).toEqual(b);
        expect(await s.silences.get(a.id)).toEqual(a);
        expect((await s.silences.list({ activeOrPendingAt: 2000 })).map((x) => x.id)).toEqual([b.id]);
        const [c] = await s.silences.replaceConfig([
          { ...base, hostGlob: 'db-*', endsAt: null, origin: 'config' },
        ]);
        if (!c) throw new Error('no config silence');
        expect(await s.silences.remove(c.id)).toEqual({ removed: false, reason: 'config' });
        expect(await s.silences.remove(a.id)).toEqual({ removed: true });
        expect(await s.silences.remove(a.id)).toEqual({ removed: false, reason: 'not-found' });
        const again = await s.silences.replaceConfig([
          { ...base, hostGlob: 'x', endsAt: 10, origin: 'config' },
        ]);
        expect((await s.silences.list()).map((x) => x.hostGlob)).toEqual(['x', '*']);
        expect(await s.silences.prune(100, 50)).toBe(1);
        expect(await s.silences.get(again[0]?.id ?? -1)).toBeUndefined();
      });
    });

    describe('sweeps', () => {
      it('records runs and results, keeps each host latest state and when it changed', async () => {
        const s = await fresh();
        await s.sweeps.begin({ id: 'r1', startedAt: 100, total: 2, mode: 'local' });
        await s.sweeps.write('r1', okResult('a', 110));
        await s.sweeps.write('r1', errResult('b', 120));
        await s.sweeps.finish('r1', 130);
        await s.sweeps.begin({ id: 'r2', startedAt: 200, total: 2, mode: 'redis', everyMs: 60_000 });
        await s.sweeps.write('r2', okResult('b', 210));
        expect((await s.sweeps.list()).map((r) => r.id)).toEqual(['r2', 'r1']);
        expect(await s.sweeps.get('r1')).toEqual({
          id: 'r1',
          startedAt: 100,
          finishedAt: 130,
          total: 2,
          ok: 1,
          failed: 1,
          mode: 'local',
        });
        expect(await s.sweeps.get('nope')).toBeUndefined();
        expect(await s.sweeps.results('r1')).toEqual([okResult('a', 110), errResult('b', 120)]);
        const latest = await s.sweeps.latest();
        expect(latest.map((h) => [h.target, h.state, h.stateSince, h.runId, h.everyMs])).toEqual([
          ['a', 'up', 110, 'r1', null],
          ['b', 'up', 210, 'r2', 60_000],
        ]);
        expect(latest[1]?.result).toEqual(okResult('b', 210));
        await expect(s.sweeps.write('never-begun', okResult('c', 1))).rejects.toThrow();
      });

      it('accepts results of a run begun through another handle on the same target', async () => {
        const target = await opts.freshTarget();
        const a = track(await opts.open(target));
        const b = track(await opts.open(target));
        await a.sweeps.begin({ id: 'r', startedAt: 1, total: 2, mode: 'redis' });
        await b.sweeps.write('r', okResult('x', 2));
        await a.sweeps.write('r', errResult('y', 3));
        await b.sweeps.finish('r', 4);
        expect(await a.sweeps.get('r')).toMatchObject({ finishedAt: 4, ok: 1, failed: 1 });
      });
    });

    describe('lease and fencing', () => {
      it('holds the lease, renews at the same epoch, and fences writes on it', async () => {
        const s = await fresh();
        const a = await s.lease.tryAcquireOrRenew('m1', 3000, 1000);
        expect(a).toMatchObject({ held: true, holder: 'm1', expiresAt: 4000 });
        const b = await s.lease.tryAcquireOrRenew('m1', 3000, 2000);
        expect(b).toEqual({ held: true, holder: 'm1', epoch: a.epoch, expiresAt: 5000 });
        expect(await s.lease.current()).toMatchObject({ holder: 'm1', epoch: a.epoch });
        const fence = { epoch: a.epoch };
        await s.events.record([ev('down', 'a', 1)], { fence, hosts: [sampleHost('a')] });
        await s.hosts.save([sampleHost('b')], fence);
        await s.silences.add(
          {
            hostGlob: '*',
            startsAt: 0,
            endsAt: null,
            comment: '',
            createdBy: '',
            createdAt: 0,
            origin: 'api',
          },
          fence,
        );
        const stale = { epoch: a.epoch + 7 };
        await expect(s.events.record([ev('down', 'z', 2)], { fence: stale })).rejects.toBeInstanceOf(
          FencedError,
        );
        await expect(s.hosts.save([sampleHost('z')], stale)).rejects.toBeInstanceOf(FencedError);
        await expect(s.outbox.setCursor(99, stale)).rejects.toBeInstanceOf(FencedError);
        expect((await s.events.list()).map((e) => e.hostId)).toEqual(['a']);
        expect((await s.hosts.load()).map((h) => h.id)).toEqual(['a', 'b']);
        expect(await s.lease.release('m1', a.epoch)).toBe(true);
      });
    });

    describe('per-monitor rows', () => {
      it('publishes liveness and suspects in batches, removed when heard again', async () => {
        const s = await fresh();
        await s.monitors.heartbeat('m1', 1000, { version: '1' });
        await s.monitors.heartbeat('m1', 2000, { version: '2' });
        expect(await s.monitors.live(1500)).toEqual([
          { monitorId: 'm1', seenAt: 2000, info: { version: '2' } },
        ]);
        expect(await s.monitors.live(2001)).toEqual([]);
        await s.monitors.addSuspects('m1', ['b', 'a', 'c'], 100);
        await s.monitors.addSuspects('m1', ['a'], 999); // kept: since stays the first time
        await s.monitors.removeSuspects('m1', ['c', 'zz']);
        expect(await s.monitors.suspects()).toEqual([
          { monitorId: 'm1', hostId: 'a', since: 100 },
          { monitorId: 'm1', hostId: 'b', since: 100 },
        ]);
        expect(await s.monitors.suspects('other')).toEqual([]);
      });
    });

    it('answers ping and reports a redacted target', async () => {
      const s = await fresh();
      await s.ping();
      expect(s.target).not.toMatch(/:(?!\*\*\*@)[^:@/]+@/);
    });

    opts.additionalTests?.({ fresh });
  });
}
