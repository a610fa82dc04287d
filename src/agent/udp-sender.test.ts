import { afterEach, describe, expect, it } from 'vitest';
import { startUdpCollector, type UdpCollector } from '../../test/support/agent-udp.js';
import { waitFor } from '../../test/support/proc.js';
import { buildDestinations } from './destinations.js';
import { OnceLog } from './once-log.js';
import { UdpSender } from './udp-sender.js';

let collector: UdpCollector | undefined;
let sender: UdpSender | undefined;
afterEach(async () => {
  await sender?.close();
  await collector?.close();
});

function setup(lookup: (host: string) => Promise<{ address: string; family: number }>, opts = {}) {
  const lines: string[] = [];
  let t = 0;
  const problems = new OnceLog(
    (m) => lines.push(`W ${m}`),
    (m) => lines.push(`I ${m}`),
  );
  const c = collector as UdpCollector;
  sender = new UdpSender(buildDestinations({ to: [`monitor.test:${c.port}`], multicast: [], port: 1 }), {
    problems,
    lookup,
    now: () => t,
    resolveTtlMs: 1000,
    firstLookupTimeoutMs: 200,
    ...opts,
  });
  return { lines, advance: (ms: number) => (t += ms), sender };
}

describe('UdpSender', () => {
  it('re-resolves after the TTL and keeps the last good address while the resolver fails', async () => {
    collector = await startUdpCollector();
    const calls: string[] = [];
    let fail = false;
    const {
      lines,
      advance,
      sender: s,
    } = setup(async (host) => {
      calls.push(host);
      if (fail) throw Object.assign(new Error('getaddrinfo EAI_AGAIN monitor.test'), { code: 'EAI_AGAIN' });
      return { address: '127.0.0.1', family: 4 };
    });
    await s.sendAll(Buffer.from('a'));
    await s.sendAll(Buffer.from('b')); // within TTL: no new lookup
    expect(calls).toHaveLength(1);
    fail = true;
    advance(1500);
    await s.sendAll(Buffer.from('c')); // stale: lookup fails, cached address still used
    await s.sendAll(Buffer.from('d'));
    await waitFor(() => collector?.received.length === 4, 'all four datagrams', 5000);
    expect(lines).toEqual(['W monitor.test: cannot resolve: EAI_AGAIN (getaddrinfo EAI_AGAIN monitor.test)']);
    fail = false;
    advance(1500);
    await s.sendAll(Buffer.from('e'));
    await s.sendAll(Buffer.from('f'));
    await waitFor(() => lines.length === 2, 'the recovery line', 5000);
    expect(lines[1]).toMatch(/ok again/);
  });

  it('does not hold a beat longer than the first-lookup limit when the resolver hangs', async () => {
    collector = await startUdpCollector();
    const { lines, sender: s } = setup(() => new Promise(() => {}));
    const t0 = Date.now();
    await s.sendAll(Buffer.from('x'));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(lines).toEqual(['W monitor.test: name lookup slower than 200 ms']);
    expect(collector.received).toHaveLength(0);
  });
});
