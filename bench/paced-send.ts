import { createSocket } from 'node:dgram';

/**
 * Sends `bufs` to 127.0.0.1:`port` at `rate` datagrams per second from Node, yielding with
 * setImmediate between batches (a sender that never yields starves the timers of everything
 * else in its process). Resolves with the seconds it took. Shared by the ingest and HA benches.
 */
export async function pacedSend(port: number, bufs: readonly Buffer[], rate: number): Promise<number> {
  const s = createSocket('udp4');
  s.connect(port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const t0 = performance.now();
  let i = 0;
  while (i < bufs.length) {
    const due = ((performance.now() - t0) / 1000) * rate;
    while (i < bufs.length && i < due) s.send(bufs[i++] as Buffer);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise<void>((r) => s.close(() => r()));
  return (performance.now() - t0) / 1000;
}
