/**
 * Store outage and a partial network cut, with real processes (issue 12 items 2, 6 and 8):
 * (d) PostgreSQL stopped and started under two monitors: they keep running, and a host that
 * died during the outage is recorded and notified exactly once when the store is back;
 * (e) a monitor cut off from the agents only (the hosts send only to the other monitor, the
 * standby's and then the active's side): no false `down`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { audit, type HaMonitor, type HaWorld, startHaWorld } from './support/ha-world.js';
import { waitFor } from './support/proc.js';

const worlds: HaWorld[] = [];

afterAll(async () => {
  for (const w of worlds) await w.close();
}, 60_000);

const hostIds = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** Waits (bounded) until `ms` passed since `since`: the length of a scenario step, not a race. */
const lasts = (since: number, ms: number, what: string) =>
  waitFor(() => Date.now() - since >= ms, what, ms + 10_000, 50);

describe('HA under a store outage and a partial cut (real processes)', () => {
  it('PostgreSQL stopped and started: monitors keep running, the outage down is notified once', async () => {
    const w = await startHaWorld({ monitors: 2 }); // its own PostgreSQL: this test stops it
    worlds.push(w);
    const hosts = hostIds('o', 6);
    w.fleet.add(hosts);
    await w.active();
    await w.delivered('new', hosts);

    await w.stopStore();
    const stoppedAt = Date.now();
    w.fleet.kill(['o-6']);
    // Both notice the outage and keep answering (a monitor never exits for its store).
    await waitFor(
      async () => {
        const rs = await w.roles();
        return rs.length === 2 && rs.every(({ h }) => h !== undefined && h.db === 'error');
      },
      'both monitors to answer /healthz with db=error',
      30_000,
      200,
    );
    // The outage outlasts the host's deadline (1.5 s) and the lease (3 s) by far.
    await lasts(stoppedAt, 8000, 'an 8 s outage');
    for (const m of w.monitors) expect(m.alive, `${m.id} still running during the outage`).toBe(true);

    await w.startStore();
    await w.active('one active once the store is back', 45_000);
    await w.delivered('down', ['o-6'], 60_000);
    await waitFor(async () => (await w.outboxDepth()) === 0, 'an empty outbox', 30_000, 200);
    const events = await w.events();
    const a = audit(events, w.deliveries(), { dead: ['o-6'], alive: hosts.slice(0, 5) });
    expect(a).toMatchObject({
      missedDowns: [],
      falseDowns: [],
      duplicateEvents: [],
      newForKnown: [],
      duplicateDeliveries: [],
      undelivered: [],
    });
    expect(events.filter((e) => e.type === 'down').map((e) => e.hostId)).toEqual(['o-6']);
    // Each monitor sent one "store unreachable" self-alert straight to the webhook (not
    // through the outbox, which lives in the store) and one "reachable again".
    const selfAlerts = (m: string, what: string) =>
      w.deliveries().filter((d) => d.from === m && d.events.length === 0 && d.title.includes(what)).length;
    await waitFor(
      () => w.monitors.every((m) => selfAlerts(m.id, 'store reachable again') >= 1),
      'a "store reachable again" self-alert from each monitor',
      30_000,
      100,
    );
    for (const m of w.monitors) {
      expect(selfAlerts(m.id, 'store unreachable'), `${m.id}: store unreachable self-alerts`).toBe(1);
      expect(selfAlerts(m.id, 'store reachable again'), `${m.id}: reachable again self-alerts`).toBe(1);
    }
    // The down carries the deadline that passed during the outage, not the store's return.
    const down = events.find((e) => e.type === 'down');
    expect(down?.at).toBeLessThan(stoppedAt + 8000);
  }, 300_000);

  it('a monitor the agents no longer reach causes no false down (standby side, then active side)', async () => {
    const w = await startHaWorld({ monitors: 2 });
    worlds.push(w);
    const hosts = hostIds('c', 5);
    w.fleet.add(hosts);
    const active = await w.active();
    const standby = w.monitors.find((m) => m !== active) as HaMonitor;
    const idx = (m: HaMonitor) => w.monitors.indexOf(m);
    await w.delivered('new', hosts);

    const cut = async (deaf: HaMonitor, hearing: HaMonitor) => {
      w.fleet.route(hosts, [idx(hearing)]);
      // The deaf monitor lists every host as a suspect; the one that hears them vetoes.
      await waitFor(
        async () => (await w.suspectsOf(deaf.id)).length === hosts.length,
        `${deaf.id} to list all ${hosts.length} hosts as suspects`,
        30_000,
        100,
      );
      const listedAt = Date.now();
      // Several publish rounds of the active reading those rows (publish_interval 1 s).
      await lasts(listedAt, 5000, 'five publish intervals with the suspects listed');
      expect((await w.events()).filter((e) => e.type === 'down').map((e) => e.hostId)).toEqual([]);
      expect(await w.suspectsOf(hearing.id)).toEqual([]);
    };
    await cut(standby, active);
    w.fleet.route(hosts, [0, 1]);
    await waitFor(async () => (await w.suspectsOf(standby.id)).length === 0, 'the standby to hear all again');
    await cut(active, standby);
    expect((await w.active()).id).toBe(active.id); // deafness to agents is not a reason to step down

    // And a host that stops beating to both is still found: the cut did not disable detection.
    w.fleet.route(hosts, [0, 1]);
    w.fleet.kill(['c-5']);
    await w.delivered('down', ['c-5']);
    const a = audit(await w.events(), w.deliveries(), { dead: ['c-5'], alive: hosts.slice(0, 4) });
    expect(a.falseDowns).toEqual([]);
    expect(a.duplicateEvents).toEqual([]);
    expect(a.newForKnown).toEqual([]);
  }, 300_000);
});
