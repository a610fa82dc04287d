import { describe, expect, it } from 'vitest';
import { ClusterDownGate } from './down-gate.js';

const NOW = 100_000;
const gate = () => new ClusterDownGate({ monitorId: 'a', holdMs: 1000, liveWindowMs: 3000 });
const live = (...ids: string[]) => ids.map((monitorId) => ({ monitorId, seenAt: NOW - 500 }));

describe('ClusterDownGate', () => {
  it('lets a host go down at once when this monitor is alone (no added delay)', () => {
    const g = gate();
    expect(g.due(0, 'h', NOW - 10, NOW)).toBeUndefined();
    g.update({ live: live('a'), suspects: [] }); // only its own row
    expect(g.due(0, 'h', NOW - 10, NOW)).toBeUndefined();
  });

  it('holds a host for one publish interval while another live monitor does not list it', () => {
    const g = gate();
    g.update({ live: live('a', 'b'), suspects: [] });
    expect(g.due(3, 'h', NOW - 10, NOW)).toBe(NOW + 1000);
    expect(g.heldCount).toBe(1);
  });

  it('lets it go down when every other live monitor lists it', () => {
    const g = gate();
    g.update({
      live: live('a', 'b', 'c'),
      suspects: [
        { monitorId: 'b', hostId: 'h' },
        { monitorId: 'c', hostId: 'h' },
      ],
    });
    expect(g.due(3, 'h', NOW, NOW)).toBeUndefined();
    g.update({ live: live('a', 'b', 'c'), suspects: [{ monitorId: 'b', hostId: 'h' }] });
    expect(g.due(3, 'h', NOW, NOW)).toBe(NOW + 1000); // c still hears it
  });

  it('does not count a monitor whose liveness row is older than the live window', () => {
    const g = gate();
    g.update({ live: [{ monitorId: 'b', seenAt: NOW - 3001 }], suspects: [] });
    expect(g.due(0, 'h', NOW, NOW)).toBeUndefined();
    g.update({ live: [{ monitorId: 'b', seenAt: NOW - 2000 }], suspects: [] });
    expect(g.due(0, 'h', NOW, NOW)).toBe(NOW + 1000);
    // No fresh view for 2 s more: b's row ages out and cannot veto any longer.
    expect(g.due(0, 'h', NOW, NOW + 1001)).toBeUndefined();
  });

  it('ignores suspect rows of monitors that are not live, and its own rows', () => {
    const g = gate();
    g.update({
      live: live('b', 'c'),
      suspects: [
        { monitorId: 'b', hostId: 'h' },
        { monitorId: 'a', hostId: 'h' },
        { monitorId: 'dead', hostId: 'h' },
      ],
    });
    expect(g.allSuspect('h', NOW)).toBe(false);
    expect(g.liveOthers(NOW)).toEqual(['b', 'c']);
  });

  it('names the held hosts a fresher view releases, and forgets those heard again', () => {
    const g = gate();
    g.update({ live: live('b'), suspects: [] });
    g.due(1, 'h1', NOW, NOW);
    g.due(2, 'h2', NOW, NOW);
    g.due(3, 'h3', NOW, NOW);
    g.update({
      live: live('b'),
      suspects: [
        { monitorId: 'b', hostId: 'h1' },
        { monitorId: 'b', hostId: 'h3' },
      ],
    });
    expect(g.releasable(NOW, (i) => i !== 3)).toEqual([1]);
    expect(g.heldCount).toBe(2); // h3 was heard again here: forgotten
  });

  it('reports each passed deadline to suspect tracking, held or not', () => {
    const seen: string[] = [];
    const g = new ClusterDownGate({
      monitorId: 'a',
      holdMs: 1000,
      liveWindowMs: 3000,
      onDue: (_i, id) => seen.push(id),
    });
    g.due(0, 'x', NOW, NOW);
    g.update({ live: live('b'), suspects: [] });
    g.due(1, 'y', NOW, NOW);
    expect(seen).toEqual(['x', 'y']);
  });
});
