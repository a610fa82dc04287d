import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../src/notify/notifiers/index.js';
import { validateSilence } from '../src/notify/silences.js';
import { openStore } from '../src/store/index.js';
import { type CaptureServer, startCaptureServer } from './support/notify-http.js';
import { config, type PipelineWorld, startWorld } from './support/pipeline-world.js';
import { tempDir, waitFor } from './support/proc.js';

/**
 * The pipeline in-process against a real SQLite file and a real loopback webhook: the
 * real event log (recordEvents), the real webhook notifier, real timers.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(extra: object = {}, hookPath = '/hook') {
  const dir = tempDir('thump-pipeline-');
  cleanups.push(dir.cleanup);
  const hook = await startCaptureServer();
  cleanups.push(() => hook.close());
  const cfg = config({
    notifiers: [{ name: 'ops', type: 'webhook', url: `${hook.url}${hookPath}` }],
    grouping: { group_wait: '300ms' },
    delivery: { retry_initial: '50ms', retry_max: '200ms' },
    ...extra,
  });
  const world = await startWorld(dir.path, cfg);
  cleanups.push(() => world.close());
  return { dir, hook, world, cfg };
}

const payloads = (hook: CaptureServer) => hook.requests.map((r) => JSON.parse(r.body) as WebhookPayload);
const drained = (w: PipelineWorld) => w.pipeline.outboxDepth() === 0;

describe('notify pipeline delivery', () => {
  it('delivers 50 hosts going down together as exactly one grouped webhook', async () => {
    const { hook, world } = await setup();
    const now = Date.now();
    const ids = Array.from({ length: 50 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
    for (const id of ids) world.monitor.set(id, { state: 'down' });
    await world.record(ids.map((hostId) => ({ type: 'down', hostId, at: now, details: {} })));
    await waitFor(() => hook.requests.length >= 1 && drained(world), 'the grouped delivery');
    expect(hook.requests).toHaveLength(1);
    const [p] = payloads(hook);
    expect(p?.kind).toBe('alert');
    expect(p?.title).toBe('50 hosts down: web-01, web-02, web-03 (+47 more)');
    expect(p?.events.map((e) => e.hostId)).toEqual(ids);
    expect(world.pipeline.notifiers()[0]).toMatchObject({ name: 'ops', state: 'ok', sent: 1 });
  });

  it('retries a failing endpoint with backoff and delivers the same batch once', async () => {
    const { hook, world } = await setup();
    let calls = 0;
    hook.respond(() => (++calls <= 2 ? { status: 503 } : { status: 200 }));
    world.monitor.set('db-1', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'db-1', at: Date.now(), details: {} }]);
    await waitFor(() => drained(world) && hook.requests.length >= 3, 'delivery after two 503s');
    const ids = payloads(hook).map((p) => p.id);
    expect(new Set(ids).size).toBe(1); // every retry carries the same batch id
    const st = world.pipeline.notifiers()[0];
    expect(st).toMatchObject({
      state: 'ok',
      sent: 1,
      failedAttempts: 2,
      failuresByReason: { 'http-5xx': 2 },
    });
  });

  it('retries an endpoint that hangs past the notifier timeout', async () => {
    const dir = tempDir('thump-pipeline-');
    cleanups.push(dir.cleanup);
    const hook = await startCaptureServer();
    cleanups.push(() => hook.close());
    let calls = 0;
    hook.respond(() => (++calls === 1 ? 'hang' : { status: 200 }));
    const cfg = config({
      notifiers: [{ name: 'ops', type: 'webhook', url: `${hook.url}/hook`, timeout: '300ms' }],
      grouping: { group_wait: '100ms' },
      delivery: { retry_initial: '50ms', retry_max: '200ms' },
    });
    const world = await startWorld(dir.path, cfg);
    cleanups.push(() => world.close());
    world.monitor.set('slow', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'slow', at: Date.now(), details: {} }]);
    await waitFor(() => drained(world) && calls >= 2, 'delivery after a timeout');
    expect(world.pipeline.notifiers()[0]).toMatchObject({
      state: 'ok',
      sent: 1,
      failuresByReason: { timeout: 1 },
    });
  });

  it('marks the notifier failed on a permanent error instead of retrying, and tries the next batch', async () => {
    const { hook, world } = await setup();
    hook.respond({ status: 401 });
    world.monitor.set('a', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'a', at: Date.now(), details: {} }]);
    await waitFor(() => world.pipeline.notifiers()[0]?.state === 'failed', 'notifier failed');
    expect(hook.requests).toHaveLength(1);
    const st = world.pipeline.notifiers()[0];
    expect(st?.lastError).toMatch(/401/);
    expect(st?.lastError).not.toContain('/hook');
    expect(world.pipeline.outboxDepth()).toBe(0);
    hook.respond({ status: 200 });
    world.monitor.set('b', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'b', at: Date.now(), details: {} }]);
    await waitFor(() => world.pipeline.notifiers()[0]?.state === 'ok', 'notifier ok again');
    expect(payloads(hook).map((p) => p.title)).toEqual(['a down', 'b down']);
  });

  it('keeps pending notifications across a restart and delivers them once', async () => {
    const { dir, hook, world, cfg } = await setup();
    hook.respond({ status: 503 });
    world.monitor.set('x', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'x', at: Date.now(), details: {} }]);
    await waitFor(() => hook.requests.length >= 1, 'a failed attempt');
    await world.close();
    cleanups.pop();
    hook.respond({ status: 200 });
    const before = hook.requests.length;
    const again = await startWorld(dir.path, cfg, world.monitor);
    cleanups.push(() => again.close());
    await waitFor(() => drained(again), 'delivery after restart');
    const after = payloads(hook).slice(before);
    expect(after).toHaveLength(1);
    expect(after[0]?.events.map((e) => e.hostId)).toEqual(['x']);
  });

  it('catches up on events recorded while no pipeline was attached', async () => {
    const { dir, hook, world, cfg } = await setup();
    world.monitor.set('old', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'old', at: Date.now(), details: {} }]);
    await waitFor(() => hook.requests.length === 1 && drained(world), 'the first page');
    await world.pipeline.stop(); // events recorded from now on have no hook
    world.monitor.set('late', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'late', at: Date.now(), details: {} }]);
    await world.store.close();
    cleanups.pop();
    const again = await startWorld(dir.path, cfg, world.monitor);
    cleanups.push(() => again.close());
    await waitFor(() => hook.requests.length === 2 && drained(again), 'the caught-up page');
    expect(payloads(hook).map((p) => p.title)).toEqual(['old down', 'late down']);
  });

  it('does not page events recorded before notifications were ever set up', async () => {
    const dir = tempDir('thump-pipeline-');
    cleanups.push(dir.cleanup);
    const hook = await startCaptureServer();
    cleanups.push(() => hook.close());
    const db = await openStore(join(dir.path, 'thump.db'));
    await db.events.record([{ type: 'down', hostId: 'ancient', at: Date.now() - 86_400_000, details: {} }]);
    await db.close();
    const cfg = config({ notifiers: [{ name: 'ops', type: 'webhook', url: `${hook.url}/hook` }] });
    const world = await startWorld(dir.path, cfg);
    cleanups.push(() => world.close());
    expect(world.pipeline.outboxDepth()).toBe(0);
    await world.pipeline.flush();
    expect(hook.requests).toHaveLength(0);
  });

  it('does not page a silenced host, yet resolves a down notified before the silence', async () => {
    const { hook, world } = await setup();
    world.monitor.set('a', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'a', at: Date.now(), details: {} }]);
    await waitFor(() => hook.requests.length === 1 && drained(world), 'the down of a');
    await world.store.silences.add(
      validateSilence(
        { hostGlob: '*', endsAt: Date.now() + 60_000, comment: 'maintenance' },
        Date.now(),
        'api',
      ),
    );
    world.monitor.set('b', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'b', at: Date.now(), details: {} }]);
    world.monitor.set('a', { state: 'up' });
    await world.record([{ type: 'up', hostId: 'a', at: Date.now(), details: {} }]);
    await waitFor(() => hook.requests.length === 2 && drained(world), 'the resolution of a');
    world.monitor.set('b', { state: 'up' });
    await world.record([{ type: 'up', hostId: 'b', at: Date.now(), details: {} }]);
    await waitFor(() => drained(world), 'outbox drained');
    expect(payloads(hook).map((p) => [p.kind, p.title])).toEqual([
      ['alert', 'a down'],
      ['resolved', 'a up again'],
    ]);
    // "Why was I not paged?": b's down was silenced, its up had nothing to resolve.
    expect(world.pipeline.notifiers()[0]?.suppressedByReason).toEqual({ silenced: 1, 'not-notified': 1 });
  });

  it('pages flap events but not every down and up of a flapping host', async () => {
    const { hook, world } = await setup();
    const t = Date.now();
    world.monitor.set('f', { state: 'up', flapping: true });
    const storm = [];
    for (let i = 0; i < 10; i++) {
      storm.push({ type: 'down' as const, hostId: 'f', at: t + i * 2, details: {} });
      storm.push({ type: 'up' as const, hostId: 'f', at: t + i * 2 + 1, details: {} });
      if (i === 2) storm.push({ type: 'flapping' as const, hostId: 'f', at: t + i * 2 + 1, details: {} });
    }
    for (const e of storm) await world.record([e]);
    await waitFor(() => drained(world) && hook.requests.length >= 1, 'the flapping message');
    world.monitor.set('f', { flapping: false });
    await world.record([{ type: 'flapping-stopped', hostId: 'f', at: Date.now(), details: {} }]);
    await waitFor(() => drained(world) && hook.requests.length >= 2, 'flapping stopped message');
    expect(payloads(hook).map((p) => p.title)).toEqual([
      'f is flapping (pages paused)',
      'f stopped flapping',
    ]);
  });

  it('suppresses children of a down parent and says how many are affected', async () => {
    const { hook, world } = await setup({ dependencies: [{ hosts: 'rack-*', parent: 'switch' }] });
    const kids = Array.from({ length: 12 }, (_, i) => `rack-${i}`);
    world.monitor.set('switch', { state: 'down' });
    for (const k of kids) world.monitor.set(k, { state: 'down' });
    const t = Date.now();
    await world.record([
      ...kids.slice(0, 5).map((hostId) => ({ type: 'down' as const, hostId, at: t, details: {} })),
      { type: 'down', hostId: 'switch', at: t, details: {} },
      ...kids.slice(5).map((hostId) => ({ type: 'down' as const, hostId, at: t, details: {} })),
    ]);
    await waitFor(() => drained(world) && hook.requests.length >= 1, 'the parent message');
    expect(hook.requests).toHaveLength(1);
    const [p] = payloads(hook);
    expect(p?.title).toBe('switch down; 12 dependent hosts of switch affected');
    expect(p?.events).toHaveLength(1);
    expect(p?.events[0]?.details.dependents).toEqual(kids);
  });

  it('notifies a failing check and its clearing', async () => {
    const { hook, world } = await setup();
    world.monitor.set('db', { checks: [{ id: 'custom:raid', severity: 2, text: 'md0 degraded' }] });
    await world.record([
      {
        type: 'check',
        hostId: 'db',
        at: Date.now(),
        details: { checkId: 'custom:raid', severity: 2, previous: 0, text: 'md0 degraded' },
      },
    ]);
    await waitFor(() => drained(world) && hook.requests.length === 1, 'the check alert');
    world.monitor.set('db', { checks: [{ id: 'custom:raid', severity: 0, text: 'ok' }] });
    await world.record([
      {
        type: 'check',
        hostId: 'db',
        at: Date.now(),
        details: { checkId: 'custom:raid', severity: 0, previous: 2, text: 'ok' },
      },
    ]);
    await waitFor(() => drained(world) && hook.requests.length === 2, 'the check clearing');
    expect(payloads(hook).map((p) => [p.kind, p.title])).toEqual([
      ['alert', 'db custom:raid CRITICAL: md0 degraded'],
      ['resolved', 'db custom:raid OK: ok'],
    ]);
  });

  it('sends repeat reminders while a host stays down and stops once it is up', async () => {
    const { hook, world } = await setup({ grouping: { group_wait: '100ms', repeat_interval: '400ms' } });
    world.monitor.set('r', { state: 'down' });
    await world.record([{ type: 'down', hostId: 'r', at: Date.now(), details: {} }]);
    await waitFor(() => payloads(hook).filter((p) => p.kind === 'reminder').length >= 2, 'two reminders');
    world.monitor.set('r', { state: 'up' });
    await world.record([{ type: 'up', hostId: 'r', at: Date.now(), details: {} }]);
    await waitFor(
      () => payloads(hook).some((p) => p.kind === 'resolved') && drained(world),
      'the resolution',
    );
    const kinds = payloads(hook).map((p) => p.kind);
    expect(kinds[0]).toBe('alert');
    expect(kinds.at(-1)).toBe('resolved');
    expect(payloads(hook).find((p) => p.kind === 'reminder')?.title).toBe('still: r down');
  });

  it('notifies nothing for a down that recovers before alert_after intervals', async () => {
    const { hook, world } = await setup({ alert_after: 5, grouping: { group_wait: '50ms' } });
    const t = Date.now();
    // 5 intervals of 1 s after the last beat: the page would wait until lastBeat + 5 s.
    world.monitor.set('soft', { state: 'down', lastBeatAt: t - 3000, intervalMs: 1000 });
    await world.record([{ type: 'down', hostId: 'soft', at: t, details: {} }]);
    world.monitor.set('soft', { state: 'up' });
    await world.record([{ type: 'up', hostId: 'soft', at: t + 500, details: {} }]);
    // A control host that stays down is paged once its 5 intervals have passed.
    world.monitor.set('hard', { state: 'down', lastBeatAt: t - 3000, intervalMs: 1000 });
    await world.record([{ type: 'down', hostId: 'hard', at: t, details: {} }]);
    await waitFor(() => drained(world) && hook.requests.length >= 1, 'the control page', 20_000);
    expect(payloads(hook).map((p) => p.title)).toEqual(['hard down']);
    expect(Date.now()).toBeGreaterThanOrEqual(t + 2000 - 50);
  });

  it('routes events by type and host glob', async () => {
    const dir = tempDir('thump-pipeline-');
    cleanups.push(dir.cleanup);
    const pager = await startCaptureServer();
    const chat = await startCaptureServer();
    cleanups.push(
      () => pager.close(),
      () => chat.close(),
    );
    const cfg = config({
      notifiers: [
        { name: 'pager', type: 'webhook', url: `${pager.url}/p` },
        { name: 'chat', type: 'webhook', url: `${chat.url}/c` },
      ],
      routes: [
        { notifiers: ['pager'], events: ['down', 'up'], hosts: ['db-*'] },
        { notifiers: ['chat'], events: ['new'] },
      ],
      grouping: { group_wait: '100ms' },
    });
    const world = await startWorld(dir.path, cfg);
    cleanups.push(() => world.close());
    world.monitor.set('db-1', { state: 'down' });
    world.monitor.set('web-1', { state: 'down' });
    const t = Date.now();
    await world.record([
      { type: 'down', hostId: 'db-1', at: t, details: {} },
      { type: 'down', hostId: 'web-1', at: t, details: {} },
      { type: 'new', hostId: 'web-2', at: t, details: {} },
    ]);
    await waitFor(
      () => drained(world) && pager.requests.length === 1 && chat.requests.length === 1,
      'both routes',
    );
    expect(payloads(pager)[0]?.title).toBe('db-1 down');
    expect(payloads(chat)[0]?.title).toBe('web-2 is new');
  });

  it('refuses a route naming an unknown notifier, naming the key path', async () => {
    const bad = {
      notifiers: [{ name: 'ops', type: 'webhook', url: 'http://127.0.0.1:9/h' }],
      routes: [{ notifiers: ['opz'] }],
    };
    expect(() => config(bad)).toThrow(/routes\[0\]\.notifiers\[0\]: no notifier named "opz"/);
  });
});
