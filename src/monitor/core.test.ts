import { describe, expect, it } from 'vitest';
import type { Beat, CheckResult } from '../protocol/types.js';
import { MonitorCore } from './core.js';
import type { EventType } from './types.js';

const T0 = 1_700_000_000_000;

function beat(hostId: string, seq: number, over: Partial<Beat> = {}): Beat {
  return {
    hostId,
    bootId: 'aaaaaaaaaaaaaaaa',
    seq,
    sentAt: T0 + seq * 1000,
    intervalMs: 1000,
    goodbye: false,
    uptimeSeconds: 100 + seq,
    load: [0.5, 0.4, 0.3],
    memTotalBytes: 1000,
    memAvailableBytes: 500,
    diskTotalBytes: 2000,
    diskUsedBytes: 1000,
    checks: [],
    labels: {},
    ...over,
  };
}

/** Drives a core with a hand-moved clock and ticks every 10 ms like the real timer would. */
class Harness {
  now = T0;
  readonly core: MonitorCore;
  readonly seen: Array<{ type: EventType; hostId: string; at: number; details: Record<string, unknown> }> =
    [];
  constructor(opts: ConstructorParameters<typeof MonitorCore>[0] = {}) {
    this.core = new MonitorCore(opts);
  }
  beat(b: Beat, ip = '127.0.0.1', port = 4000) {
    const r = this.core.beat(b, ip, port, this.now);
    this.drain();
    return r;
  }
  advance(ms: number) {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + 10);
      this.core.tick(this.now);
    }
    this.drain();
  }
  drain() {
    this.seen.push(...this.core.takeEvents());
  }
  types(hostId?: string) {
    return this.seen.filter((e) => hostId === undefined || e.hostId === hostId).map((e) => e.type);
  }
}

describe('MonitorCore state machine', () => {
  it('announces a first sighting as new and keeps the host up while beats arrive', () => {
    const h = new Harness();
    for (let s = 1; s <= 10; s++) {
      expect(h.beat(beat('a', s))).toBeUndefined();
      h.advance(1000);
    }
    expect(h.types()).toEqual(['new']);
    expect(h.core.host('a')?.state).toBe('up');
    expect(h.core.host('a')?.address).toBe('127.0.0.1:4000');
  });

  it('marks a host down 3 intervals after its last beat, within 250 ms of the deadline', () => {
    const h = new Harness();
    h.beat(beat('a', 1));
    const lastBeat = h.now;
    h.advance(2990);
    expect(h.core.host('a')?.state).toBe('up');
    h.advance(300);
    const down = h.seen.find((e) => e.type === 'down');
    expect(down?.at).toBe(lastBeat + 3000);
    expect((down?.details.noticedAt as number) - lastBeat - 3000).toBeLessThanOrEqual(250);
    expect(h.core.host('a')?.state).toBe('down');
    expect(h.core.detectionLateness().count).toBe(1);
  });

  it('uses a fixed timeout when one is configured', () => {
    const h = new Harness({ timeoutMs: 10_000 });
    h.beat(beat('a', 1));
    h.advance(9000);
    expect(h.types()).toEqual(['new']);
    h.advance(1100);
    expect(h.types()).toEqual(['new', 'down']);
  });

  it('reports recovery as up with the previous state', () => {
    const h = new Harness();
    h.beat(beat('a', 1));
    h.advance(4000);
    h.beat(beat('a', 2));
    expect(h.types()).toEqual(['new', 'down', 'up']);
    expect(h.seen[2]?.details.previous).toBe('down');
  });

  it('records a goodbye as left and never calls the host down', () => {
    const h = new Harness();
    h.beat(beat('a', 1));
    h.beat(beat('a', 2, { goodbye: true }));
    h.advance(10_000);
    expect(h.types()).toEqual(['new', 'left']);
    expect(h.core.host('a')?.state).toBe('left');
    h.beat(beat('a', 1, { bootId: 'bbbbbbbbbbbbbbbb', sentAt: T0 + 60_000 }));
    expect(h.types()).toEqual(['new', 'left', 'up', 'restarted']);
  });

  it.each([
    { name: 'same seq', next: { seq: 5 } },
    { name: 'older seq', next: { seq: 4 } },
    { name: 'old boot sent earlier', next: { seq: 99, bootId: 'cccccccccccccccc', sentAt: T0 } },
  ])('rejects a replay ($name) and counts it', ({ next }) => {
    const h = new Harness();
    h.beat(beat('a', 5));
    expect(h.beat(beat('a', 5, next))).toBe('replay');
    expect(h.core.stats().rejected.replay).toBe(1);
    expect(h.core.stats().beatsTotal).toBe(1);
    expect(h.types()).toEqual(['new']);
  });

  it('emits restarted for a new boot id and accepts its low sequence numbers', () => {
    const h = new Harness();
    h.beat(beat('a', 50));
    expect(h.beat(beat('a', 1, { bootId: 'bbbbbbbbbbbbbbbb', sentAt: T0 + 90_000 }))).toBeUndefined();
    expect(h.types()).toEqual(['new', 'restarted']);
    expect(h.seen[1]?.details).toMatchObject({
      previousBootId: 'aaaaaaaaaaaaaaaa',
      bootId: 'bbbbbbbbbbbbbbbb',
    });
  });

  it('raises and clears check events when a severity changes', () => {
    const h = new Harness();
    const disk = (severity: CheckResult['severity'], text = 'x'): CheckResult[] => [
      { id: 'disk:/', severity, text },
    ];
    h.beat(beat('a', 1, { checks: disk(0) }));
    h.beat(beat('a', 2, { checks: disk(0) }));
    h.beat(beat('a', 3, { checks: disk(2, '97% used') }));
    h.beat(beat('a', 4, { checks: disk(2, '98% used') }));
    h.beat(beat('a', 5, { checks: disk(0) }));
    h.beat(beat('a', 6, { checks: disk(1) }));
    h.beat(beat('a', 7, { checks: [] }));
    const checks = h.seen
      .filter((e) => e.type === 'check')
      .map((e) => [e.details.previous, e.details.severity]);
    expect(checks).toEqual([
      ['ok', 'critical'],
      ['critical', 'ok'],
      ['ok', 'warning'],
      ['warning', 'ok'],
    ]);
    expect(h.seen.find((e) => e.type === 'check')?.details).toMatchObject({
      checkId: 'disk:/',
      text: '97% used',
    });
  });

  it('flags a host that keeps dying and coming back as flapping, and clears it once stable', () => {
    const h = new Harness();
    let seq = 1;
    h.beat(beat('a', seq++));
    for (let cycle = 0; cycle < 6; cycle++) {
      h.advance(3100); // down
      h.beat(beat('a', seq++)); // up
      h.advance(900);
      h.beat(beat('a', seq++));
    }
    expect(h.types()).toContain('flapping');
    expect(h.core.host('a')?.flapping).toBe(true);
    for (let k = 0; k < 25; k++) {
      h.advance(1000);
      h.beat(beat('a', seq++));
    }
    expect(h.types().at(-1)).toBe('flapping-stopped');
    expect(h.core.host('a')?.flapping).toBe(false);
    // Still a full record of each down/up while flapping (the pipeline decides on paging).
    expect(h.types().filter((t) => t === 'down')).toHaveLength(6);
  });

  it('accepts legacy datagrams with the source IP as identity and a 10 s interval', () => {
    const h = new Harness();
    h.core.legacyBeat('10.1.2.3', 5000, h.now);
    h.drain();
    expect(h.core.host('10.1.2.3')).toMatchObject({
      source: 'legacy',
      intervalMs: 10_000,
      timeoutMs: 30_000,
    });
    h.advance(29_000);
    expect(h.types()).toEqual(['new']);
    h.advance(1_300);
    expect(h.types()).toEqual(['new', 'down']);
  });
});

describe('MonitorCore network partition guard', () => {
  it('emits one network event instead of a down per host when everyone falls silent', () => {
    const h = new Harness();
    for (let k = 0; k < 10; k++) h.beat(beat(`h${k}`, 1));
    h.advance(500);
    for (let k = 0; k < 10; k++) h.beat(beat(`h${k}`, 2));
    h.advance(10_000);
    expect(h.types().filter((t) => t !== 'new')).toEqual(['network']);
    const net = h.seen.find((e) => e.type === 'network');
    expect(net?.details.count).toBe(10);
    expect(net?.details.hostIds).toHaveLength(10);
    expect(h.core.stats().hostsByState.down).toBe(10);
    // Beats return: one recovery event, no per-host up.
    for (let k = 0; k < 10; k++) h.beat(beat(`h${k}`, 3));
    expect(h.types().filter((t) => t !== 'new')).toEqual(['network', 'network-recovered']);
    expect(h.core.stats().hostsByState.up).toBe(10);
  });

  it('gives hosts still silent after recovery their own down one timeout later', () => {
    const h = new Harness();
    for (let k = 0; k < 5; k++) h.beat(beat(`h${k}`, 1));
    h.advance(5000);
    let seq = 2;
    for (let k = 0; k < 5; k++) {
      h.beat(beat('h0', seq++));
      h.advance(500);
    }
    expect(h.types().filter((t) => t !== 'new')).toEqual(['network', 'network-recovered']);
    for (let k = 0; k < 2; k++) {
      h.beat(beat('h0', seq++));
      h.advance(500);
    }
    expect(h.types().filter((t) => t !== 'new')).toEqual([
      'network',
      'network-recovered',
      'down',
      'down',
      'down',
      'down',
    ]);
    expect(h.core.host('h0')?.state).toBe('up');
  });

  it('reports individual downs when other hosts keep beating', () => {
    const h = new Harness();
    for (let k = 0; k < 6; k++) h.beat(beat(`h${k}`, 1));
    let seq = 2;
    for (let t = 0; t < 5; t++) {
      h.advance(1000);
      for (let k = 2; k < 6; k++) h.beat(beat(`h${k}`, seq));
      seq++;
    }
    expect(h.types().filter((t) => t !== 'new')).toEqual(['down', 'down']);
  });

  it('holds a short timeout until the silence can tell a cut network from a dead host', () => {
    // 1.5 intervals: a cut shows as 0.5 interval of silence at the first deadline, not 2.
    const h = new Harness({ timeoutMultiplier: 1.5 });
    let seq = 1;
    for (let t = 0; t < 3; t++) {
      for (let k = 0; k < 4; k++) {
        h.beat(beat(`h${k}`, seq));
        h.advance(250);
      }
      seq++;
    }
    h.advance(1250); // h0's deadline passed 250 ms ago; nobody beat since: held
    expect(h.types().filter((t) => t !== 'new')).toEqual([]);
    h.advance(10_000);
    expect(h.types().filter((t) => t !== 'new')).toEqual(['network']);
    expect(h.core.stats().hostsByState.down).toBe(4);
  });

  it('releases a held host as down, at its deadline, when another host beats', () => {
    const h = new Harness({ timeoutMultiplier: 1.5 });
    for (let k = 0; k < 4; k++) h.beat(beat(`h${k}`, 1));
    h.advance(1000);
    for (let k = 1; k < 4; k++) h.beat(beat(`h${k}`, 2));
    h.advance(900); // h0's deadline (T0 + 1500) passed 400 ms ago: held, silence 900 ms < 2 s
    expect(h.types().filter((t) => t !== 'new')).toEqual([]);
    h.beat(beat('h1', 3));
    const down = h.seen.filter((e) => e.type === 'down');
    expect(down.map((e) => [e.hostId, e.at, e.details.noticedAt])).toEqual([['h0', T0 + 1500, T0 + 1900]]);
  });

  it('does not treat silence as a partition below the minimum fleet size', () => {
    const h = new Harness();
    for (let k = 0; k < 3; k++) h.beat(beat(`h${k}`, 1));
    h.advance(5000);
    expect(h.types().filter((t) => t !== 'new')).toEqual(['down', 'down', 'down']);
  });
});

describe('MonitorCore restore', () => {
  it('announces no restored host as new and gives each a start-up grace of one timeout', () => {
    const first = new Harness();
    first.beat(beat('a', 7));
    first.beat(beat('b', 3));
    const saved = [0, 1].map((i) => first.core.reg.snapshot(i));
    const h = new Harness();
    h.now = T0 + 60_000; // restarted a minute later: both are long overdue
    h.core.restore(saved, h.now);
    h.advance(2900);
    expect(h.types()).toEqual([]);
    h.beat(beat('a', 8));
    expect(h.beat(beat('a', 8))).toBe('replay');
    h.advance(400);
    expect(h.types()).toEqual(['down']);
    expect(h.seen[0]?.hostId).toBe('b');
  });
});

describe('MonitorCore down gate', () => {
  it('keeps a host up while the gate holds it, then marks it down at its first deadline', () => {
    const h = new Harness({ partition: { enabled: false, minHosts: 4, silenceIntervals: 2 } });
    const asked: Array<[string, number, number]> = [];
    let allow = false;
    h.core.setDownGate({
      due: (_i, id, deadline, now) => {
        asked.push([id, deadline, now]);
        return allow ? undefined : now + 1000;
      },
    });
    h.beat(beat('a', 1));
    h.advance(3500); // deadline T0 + 3000 passed: held
    expect(h.types('a')).toEqual(['new']);
    expect(h.core.host('a')?.state).toBe('up');
    expect(h.core.heldCount).toBe(1);
    expect(asked[0]?.[1]).toBe(T0 + 3000);
    allow = true;
    h.advance(1000); // asked again one second after the hold
    expect(h.types('a')).toEqual(['new', 'down']);
    const down = h.seen.find((e) => e.type === 'down');
    expect(down?.at).toBe(T0 + 3000); // the first deadline, not the time the gate let it go
    expect(asked.every(([, d]) => d === T0 + 3000)).toBe(true);
    expect(h.core.heldCount).toBe(0);
  });

  it('forgets a held host when it beats again: no down, and its next deadline starts afresh', () => {
    const h = new Harness();
    const asked: number[] = [];
    h.core.setDownGate({
      due: (_i, _id, deadline, now) => {
        asked.push(deadline);
        return now + 500;
      },
    });
    h.beat(beat('a', 1));
    h.advance(3200);
    expect(h.core.heldCount).toBe(1);
    h.beat(beat('a', 2));
    expect(h.core.heldCount).toBe(0);
    h.advance(3100);
    expect(h.types('a')).toEqual(['new']);
    expect(asked.at(-1)).toBe(T0 + 3200 + 3000); // the new deadline, not the old one
  });

  it('rechecks a held host sooner when asked, and refuses to recheck one it does not hold', () => {
    const h = new Harness();
    let allow = false;
    h.core.setDownGate({ due: (_i, _id, _d, now) => (allow ? undefined : now + 60_000) });
    h.beat(beat('a', 1));
    h.beat(beat('b', 1));
    h.advance(3100);
    const a = h.core.reg.find('a');
    allow = true;
    expect(h.core.recheck(a, h.now)).toBe(true);
    h.advance(100);
    expect(h.types('a')).toEqual(['new', 'down']);
    expect(h.types('b')).toEqual(['new']); // still held for a minute
    expect(h.core.recheck(a, h.now)).toBe(false); // down now, not held
  });

  it('changes nothing without a gate or with the gate removed', () => {
    const h = new Harness();
    h.core.setDownGate({ due: (_i, _id, _d, now) => now + 1000 });
    h.core.setDownGate(undefined);
    h.beat(beat('a', 1));
    h.advance(3100);
    expect(h.types('a')).toEqual(['new', 'down']);
  });
});
