/**
 * High availability with real processes (issue 12 items 3, 4 and 8): one throw-away
 * PostgreSQL, two real `thump monitor` processes on it, a real `thump agent` and simulated
 * hosts beating to both, one webhook receiver. (a) exactly one monitor is active and a new
 * host is notified once; (c) the active frozen with kill -STOP past its lease: the standby
 * takes over, and once resumed with -CONT the old one writes nothing (fenced) and says standby.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, type HaMonitor, type HaWorld, startHaWorld } from './support/ha-world.js';
import { type PgCluster, startPostgres } from './support/postgres.js';
import { waitFor } from './support/proc.js';

let pgc: PgCluster;
const worlds: HaWorld[] = [];

beforeAll(async () => {
  pgc = await startPostgres();
}, 120_000);

afterAll(async () => {
  for (const w of worlds) await w.close();
  await pgc?.stop();
}, 60_000);

async function world(monitors: number): Promise<HaWorld> {
  const w = await startHaWorld({ monitors, pg: pgc });
  worlds.push(w);
  return w;
}

function other(w: HaWorld, m: HaMonitor): HaMonitor {
  const o = w.monitors.find((x) => x !== m);
  if (o === undefined) throw new Error('no other monitor');
  return o;
}

describe('two monitors on one PostgreSQL (real processes)', () => {
  it('exactly one is active, the other standby; a new host is recorded and notified once', async () => {
    const w = await world(2);
    const active = await w.active();
    const standby = other(w, active);
    const ha = await w.healthOf(active);
    const hs = await w.healthOf(standby);
    expect(ha).toMatchObject({ status: 'ok', role: 'active', monitorId: active.id, leader: active.id });
    expect(hs).toMatchObject({ role: 'standby', monitorId: standby.id, leader: active.id, epoch: ha.epoch });
    expect(ha.epoch).toBeGreaterThanOrEqual(1);
    expect(await active.metric('thump_ha_epoch')).toBe(ha.epoch);

    w.startAgent('ha-agent-1', [0, 1], '500ms'); // the real agent, sending to both
    w.fleet.add(['sim-1', 'sim-2']);
    await w.delivered('new', ['ha-agent-1', 'sim-1', 'sim-2']);
    // Both monitors heard every host; wait until nothing is left to send, then count.
    await waitFor(async () => (await w.outboxDepth()) === 0, 'an empty outbox', 30_000, 200);
    const events = await w.events();
    for (const h of ['ha-agent-1', 'sim-1', 'sim-2'])
      expect(events.filter((e) => e.hostId === h).map((e) => e.type)).toEqual(['new']);
    const news = w
      .deliveries()
      .flatMap((d) => d.events.filter((e) => e.type === 'new').map((e) => [d.from, e.hostId]));
    expect(news.sort()).toEqual([
      [active.id, 'ha-agent-1'],
      [active.id, 'sim-1'],
      [active.id, 'sim-2'],
    ]);
    expect(w.deliveries().every((d) => d.from === active.id)).toBe(true);
    // The standby is warm: it heard every host itself.
    expect((await w.healthOf(standby)).hosts).toMatchObject({ up: 3 });
    // Still one active, the same one (no flip-flop while idle).
    expect((await w.active()).id).toBe(active.id);
  }, 180_000);

  it('a frozen active (kill -STOP past its lease) is replaced and, resumed, writes nothing', async () => {
    const w = await world(2);
    const hosts = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
    w.fleet.add(hosts);
    const old = await w.active();
    await w.delivered('new', hosts);
    const oldEpoch = (await w.healthOf(old)).epoch as number;

    w.pause(old);
    const pausedAt = Date.now();
    const next = await w.active('the standby to take over from the frozen active', 30_000);
    const takeoverAt = Date.now();
    expect(next.id).not.toBe(old.id);
    const nextEpoch = (await w.healthOf(next)).epoch as number;
    expect(nextEpoch).toBeGreaterThan(oldEpoch);

    // A host dies while the old active is frozen: the new one notifies it.
    w.fleet.kill(['p-5']);
    await w.delivered('down', ['p-5']);

    // Frozen well past its lease (its clock says every host is overdue when it wakes).
    await waitFor(() => Date.now() - pausedAt > 8000, 'the freeze to outlast the lease twice', 20_000, 100);
    w.resume(old);
    const resumedAt = Date.now();
    await waitFor(
      async () => {
        const h = await old.health();
        return h?.role === 'standby' && h.leader === next.id && h.hosts?.up === 4;
      },
      'the resumed monitor to report standby under the new leader with 4 hosts up',
      30_000,
      100,
    );
    // It has run its detector over the whole freeze; the active heard everyone meanwhile.
    await waitFor(async () => (await w.outboxDepth()) === 0, 'an empty outbox', 30_000, 200);
    expect((await w.active()).id).toBe(next.id);

    const fromOld = w.deliveries().filter((d) => d.from === old.id && d.at >= takeoverAt);
    expect(fromOld, 'deliveries sent by the fenced monitor after the takeover').toEqual([]);
    const events = await w.events();
    const a = audit(events, w.deliveries(), { dead: ['p-5'], alive: ['p-1', 'p-2', 'p-3', 'p-4'] });
    expect(a).toMatchObject({ missedDowns: [], falseDowns: [], duplicateEvents: [], newForKnown: [] });
    expect(a.duplicateDeliveries).toEqual([]);
    expect(events.filter((e) => e.type === 'down').map((e) => e.hostId)).toEqual(['p-5']);
    // Nothing at all was recorded after the resume except what the live hosts justify (none).
    const late = events.filter((e) => e.hostId !== '' && e.at >= resumedAt);
    expect(late.map((e) => `${e.type}:${e.hostId}`)).toEqual([]);
  }, 240_000);
});
