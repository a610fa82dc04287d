import { afterEach, describe, expect, it } from 'vitest';
import { EventLoopLagMonitor } from './event-loop-lag.js';

const monitors: EventLoopLagMonitor[] = [];
afterEach(() => {
  for (const m of monitors.splice(0)) m.stop();
});

async function until<T>(what: string, read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('EventLoopLagMonitor', () => {
  it('measures nothing until started, and a blocked event loop once it is', async () => {
    const m = new EventLoopLagMonitor(200, 10);
    monitors.push(m);
    expect(m.read()).toBeUndefined();
    m.start();
    await until('a first sample', () => m.read());
    // Block the loop for 400 ms: the window holding the stall reports it.
    const end = Date.now() + 400;
    while (Date.now() < end) {}
    const stalled = await until('the stalled window', () => {
      const r = m.read();
      return r !== undefined && r.maxMs >= 300 ? r : undefined;
    });
    expect(stalled.windowMs).toBe(200);
    expect(stalled.maxMs).toBeLessThan(5_000);
    // Later windows without a stall forget it.
    await until('a calm window', () => {
      const r = m.read();
      return r !== undefined && r.maxMs < 300 ? r : undefined;
    });
    m.stop();
    expect(m.read()).toBeDefined(); // the last window stays readable
  });
});
