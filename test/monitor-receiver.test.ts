import { createSocket, type Socket } from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { UdpListen } from '../src/monitor/listen.js';
import { loadNativeUdp, NATIVE_UDP_PATH } from '../src/monitor/native-udp.js';
import { UdpReceiver } from '../src/monitor/receiver.js';
import { MAX_DATAGRAM } from '../src/protocol/wire.js';
import { waitFor } from './support/proc.js';

interface Got {
  text: string;
  ip: string;
  port: number;
  len: number;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(
  kind: 'native' | 'dgram',
  listen: UdpListen[] = [{ host: '127.0.0.1', port: 0, family: 4 }],
) {
  const got: Got[] = [];
  const rx = new UdpReceiver({
    listen,
    kind,
    recvBufferBytes: 4 * 1024 * 1024,
    // Copy out: the native receiver reuses its buffer after the call.
    onMessage: (msg, ip, port) => got.push({ text: msg.toString('latin1'), ip, port, len: msg.length }),
  });
  await rx.start();
  cleanups.push(() => rx.stop());
  return { rx, got };
}

function socket(type: 'udp4' | 'udp6'): Promise<Socket> {
  const s = createSocket(type);
  cleanups.push(() => s.close());
  return new Promise((res) => s.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', () => res(s)));
}

const send = (s: Socket, msg: string | Buffer, port: number, host: string) =>
  new Promise<void>((res, rej) => s.send(msg, port, host, (err) => (err ? rej(err) : res())));

it('the native receiver is built (npm ci runs npm run build:native)', () => {
  const b = loadNativeUdp();
  expect(b instanceof Error ? b.message : 'loaded').toBe('loaded');
});

describe.each(['native', 'dgram'] as const)('UdpReceiver (%s, real sockets)', (kind) => {
  it('reports its kind and the buffer the kernel granted', async () => {
    const { rx } = await receiver(kind);
    expect(rx.kind).toBe(kind);
    expect(rx.recvBufferSize()).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(rx.kernelDrops()).toBe(kind === 'native' ? 0 : undefined);
  });

  it('hands on IPv4 and IPv6 datagrams with their source address and port', async () => {
    const { rx, got } = await receiver(kind, [
      { host: '127.0.0.1', port: 0, family: 4 },
      { host: '::1', port: 0, family: 6 },
    ]);
    const s4 = await socket('udp4');
    const s6 = await socket('udp6');
    await send(s4, 'four', rx.bound[0]?.port ?? 0, '127.0.0.1');
    await send(s6, 'six', rx.bound[1]?.port ?? 0, '::1');
    await waitFor(() => got.length === 2, 'both datagrams');
    const by = Object.fromEntries(got.map((g) => [g.text, g]));
    expect(by.four).toMatchObject({ ip: '127.0.0.1', port: s4.address().port, len: 4 });
    expect(by.six).toMatchObject({ ip: '::1', port: s6.address().port, len: 3 });
  });

  it('delivers every datagram of a burst intact, in order (buffer reuse across batches)', async () => {
    const { rx, got } = await receiver(kind);
    const s = await socket('udp4');
    const n = 3000;
    const port = rx.bound[0]?.port ?? 0;
    for (let i = 0; i < n; i += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, n - i) }, (_, k) =>
          send(s, `beat-${i + k}-${'x'.repeat((i + k) % 300)}`, port, '127.0.0.1'),
        ),
      );
    }
    await waitFor(() => got.length === n, `${n} datagrams`);
    got.forEach((g, i) => {
      expect(g.text).toBe(`beat-${i}-${'x'.repeat(i % 300)}`);
    });
  });

  it('passes an oversized datagram on longer than any beat, so the decoder rejects it', async () => {
    const { rx, got } = await receiver(kind);
    const s = await socket('udp4');
    await send(s, Buffer.alloc(4000, 7), rx.bound[0]?.port ?? 0, '127.0.0.1');
    await send(s, 'after', rx.bound[0]?.port ?? 0, '127.0.0.1');
    await waitFor(() => got.length === 2, 'both datagrams');
    expect(got[0]?.len).toBeGreaterThan(MAX_DATAGRAM);
    expect(got[1]?.text).toBe('after');
  });

  it('names the address when the port is taken', async () => {
    const holder = await socket('udp4');
    const port = holder.address().port;
    const rx = new UdpReceiver({
      listen: [{ host: '127.0.0.1', port, family: 4 }],
      kind,
      onMessage: () => {},
    });
    await expect(rx.start()).rejects.toThrow(
      `cannot listen for UDP on 127.0.0.1:${port}: the port is already in use`,
    );
  });
});

it('native: counts datagrams the kernel dropped while the event loop was busy', async () => {
  const got: string[] = [];
  const rx = new UdpReceiver({
    listen: [{ host: '127.0.0.1', port: 0, family: 4 }],
    kind: 'native',
    recvBufferBytes: 65_536,
    onMessage: (msg) => got.push(msg.toString('latin1')),
  });
  await rx.start();
  cleanups.push(() => rx.stop());
  const n = 4000;
  // A worker floods the socket while this thread is blocked, so the receive queue overflows.
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const w = new Worker(
    `const { workerData: { port, n, flag } } = require('node:worker_threads');
     const s = require('node:dgram').createSocket('udp4');
     let left = n;
     for (let i = 0; i < n; i++) s.send('x'.repeat(400), port, '127.0.0.1', () => {
       if (--left === 0) { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); s.close(); }
     });`,
    { eval: true, workerData: { port: rx.bound[0]?.port, n, flag } },
  );
  cleanups.push(() => w.terminate());
  expect(Atomics.wait(flag, 0, 0, 20_000)).not.toBe('timed-out');
  await waitFor(() => got.length > 0, 'the queued datagrams');
  // The kernel stamps its drop count on the next datagram it queues.
  const s = await socket('udp4');
  await send(s, 'last', rx.bound[0]?.port ?? 0, '127.0.0.1');
  await waitFor(() => got.includes('last'), 'the datagram after the flood');
  const drops = rx.kernelDrops() ?? 0;
  expect(drops).toBeGreaterThan(0);
  expect(got.length - 1 + drops).toBe(n);
});

it('native: a worker thread that ends with its socket open releases the socket', async () => {
  const w = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const b = require(workerData);
     const h = b.open(4, '127.0.0.1', 0, 0, false, Buffer.alloc(b.BATCH * b.SLOT), new Uint32Array(b.BATCH * b.META + 1));
     b.start(h, () => {});
     parentPort.postMessage(b.localPort(h));`,
    { eval: true, workerData: NATIVE_UDP_PATH },
  );
  const port = await new Promise<number>((res, rej) => {
    w.once('message', res);
    w.once('error', rej);
  });
  expect(port).toBeGreaterThan(0);
  expect(await w.terminate()).toBe(1);
  // The cleanup hook closed the socket: the port can be bound again.
  const s = createSocket('udp4');
  cleanups.push(() => s.close());
  await new Promise<void>((res, rej) => {
    s.once('error', rej);
    s.bind(port, '127.0.0.1', () => res());
  });
});
