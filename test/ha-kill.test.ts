/**
 * kill -9 of the active monitor, for real (issue 12 items 3, 4 and 8): (b) two monitors with
 * the default lease, three rounds of killing the active while hosts die, the killed one
 * restarted as a standby each time: every dead host gets exactly one `down` event and one
 * delivery (by event id and batch id), no `new` for a known host, no duplicate event, no
 * false `down`; (f) three monitors with short lease settings: one of the two others takes over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, type HaWorld, SHORT_HA, startHaWorld } from './support/ha-world.js';
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

const hostIds = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

describe('kill -9 of the active monitor (real processes, real PostgreSQL)', () => {
  it('three rounds with hosts dying: one down and one delivery per dead host, nothing repeated', async () => {
    const w = await startHaWorld({ monitors: 2, pg: pgc });
    worlds.push(w);
    const hosts = hostIds('k', 12);
    w.fleet.add(hosts);
    const agent = w.startAgent('k-agent', [0, 1], '500ms'); // one real agent process too
    await w.active();
    await w.delivered('new', [...hosts, 'k-agent']);
    const dead: string[] = [];
    const back: string[] = [];
    const epochs: number[] = [];
    for (let round = 0; round < 3; round++) {
      const victim = await w.active(`exactly one active before round ${round + 1}`);
      epochs.push((await w.healthOf(victim)).epoch as number);
      // Two hosts die at the moment of the kill, one just before it (its down may be
      // recorded by the victim or only by its successor), and in round 2 one comes back.
      const dying = hosts.slice(round * 3, round * 3 + 3);
      w.fleet.kill(dying.slice(0, 1));
      const first = dying[0] as string;
      await waitFor(
        async () => (await w.suspectsOf(victim.id)).includes(first),
        `${first} to be a suspect of ${victim.id}`,
        20_000,
        50,
      );
      w.fleet.kill(dying.slice(1));
      if (round === 0) {
        await agent.stop('SIGKILL'); // the real agent dies with the first active (no goodbye)
        dying.push('k-agent');
      }
      await w.kill9(victim);
      dead.push(...dying);
      if (round === 2) {
        w.fleet.resume([hosts[0] as string]);
        back.push(hosts[0] as string);
      }
      const next = await w.active(`a standby to take over in round ${round + 1}`, 30_000);
      expect(next.id).not.toBe(victim.id);
      await w.delivered('down', dying);
      if (round === 2) await w.delivered('up', back);
      // The killed monitor comes back as a standby: the leader does not change.
      await w.launch(victim);
      expect((await w.active(`the restarted ${victim.id} to join as standby`)).id).toBe(next.id);
    }
    await waitFor(async () => (await w.outboxDepth()) === 0, 'an empty outbox', 30_000, 200);
    const finalEpoch = (await w.healthOf(await w.active())).epoch as number;
    expect(finalEpoch).toBeGreaterThan(Math.max(...epochs)); // the epoch rose on every takeover

    const events = await w.events();
    const stillDead = dead.filter((h) => !back.includes(h));
    const alive = hosts.filter((h) => !dead.includes(h));
    const a = audit(events, w.deliveries(), { dead, alive });
    expect(a.missedDowns, 'dead hosts with no down').toEqual([]);
    expect(a.falseDowns, 'hosts that kept beating but got a down').toEqual([]);
    expect(a.duplicateEvents, 'a transition recorded twice').toEqual([]);
    expect(a.newForKnown, 'new for a known host').toEqual([]);
    expect(a.duplicateDeliveries, 'an event delivered in two batches').toEqual([]);
    expect(a.undelivered, 'events never delivered').toEqual([]);
    for (const h of stillDead)
      expect(events.filter((e) => e.hostId === h && e.type === 'down')).toHaveLength(1);
    const downsDelivered = new Map<string, Set<string>>();
    for (const d of w.deliveries())
      for (const e of d.events.filter((x) => x.type === 'down'))
        downsDelivered.set(e.hostId, (downsDelivered.get(e.hostId) ?? new Set()).add(d.batchId));
    for (const h of dead)
      expect([...(downsDelivered.get(h) ?? [])], `batches carrying ${h}'s down`).toHaveLength(1);
    expect(events.filter((e) => e.type === 'up').map((e) => e.hostId)).toEqual(back);
  }, 420_000);

  it('three monitors: when the active is killed one of the other two takes over', async () => {
    const w = await startHaWorld({ monitors: 3, pg: pgc, ha: SHORT_HA });
    worlds.push(w);
    const hosts = hostIds('t', 6);
    w.fleet.add(hosts);
    const victim = await w.active();
    await w.delivered('new', hosts);
    const epoch = (await w.healthOf(victim)).epoch as number;
    w.fleet.kill(['t-6']);
    await w.kill9(victim);
    const next = await w.active('one of the two others to take over', 30_000);
    expect(next.id).not.toBe(victim.id);
    const h = await w.healthOf(next);
    expect(h.epoch).toBeGreaterThan(epoch);
    const standby = w.monitors.find((m) => m.alive && m !== next);
    expect(standby && (await w.healthOf(standby))).toMatchObject({ role: 'standby', leader: next.id });
    await w.delivered('down', ['t-6']);
    await waitFor(async () => (await w.outboxDepth()) === 0, 'an empty outbox', 30_000, 200);
    expect(await next.metric('thump_ha_takeovers_total')).toBeGreaterThanOrEqual(1);
    const a = audit(await w.events(), w.deliveries(), { dead: ['t-6'], alive: hosts.slice(0, 5) });
    expect(a).toMatchObject({
      missedDowns: [],
      falseDowns: [],
      duplicateEvents: [],
      newForKnown: [],
      duplicateDeliveries: [],
      undelivered: [],
    });
  }, 240_000);
});
