import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpLimits } from '../src/http/config.js';
import { startHttpServer } from '../src/http/index.js';
import type { HttpServer } from '../src/http/types.js';
import { openStore } from '../src/store/index.js';
import { FakeMonitor } from './support/fake-monitor.js';
import { waitFor } from './support/proc.js';

// Real sockets against a real listening server: what a hostile or careless client can hold.

const servers: HttpServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(
  limits: Partial<HttpLimits> = {},
  host = '127.0.0.1',
): Promise<{ url: string; port: number }> {
  const s = await startHttpServer({
    monitor: new FakeMonitor(),
    store: await openStore(':memory:'),
    listen: { host, port: 0 },
    limits,
  });
  servers.push(s);
  return { url: s.url, port: Number(new URL(s.url).port) };
}

/** A raw TCP connection that records what the server sends and when it closes. */
function rawConnection(port: number): Promise<{ socket: Socket; data: () => string; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let data = '';
    let closed = false;
    const socket = connect(port, '127.0.0.1', () =>
      resolve({ socket, data: () => data, closed: () => closed }),
    );
    sockets.push(socket);
    socket.on('data', (d) => {
      data += d.toString();
    });
    socket.on('close', () => {
      closed = true;
    });
    socket.on('error', reject);
  });
}

describe('HTTP limits on real sockets', () => {
  it('closes connections that send their headers too slowly', async () => {
    const { port } = await serve({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    const conns = await Promise.all(Array.from({ length: 20 }, () => rawConnection(port)));
    for (const c of conns) c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    // Trickle a byte now and then: never finishing the header block.
    const trickle = setInterval(() => {
      for (const c of conns) if (!c.closed()) c.socket.write('a');
    }, 100);
    try {
      await waitFor(
        () => conns.every((c) => c.closed()),
        'every slow-header connection to be closed',
        10_000,
      );
    } finally {
      clearInterval(trickle);
    }
    const answered = conns.filter((c) => c.data().startsWith('HTTP/1.1 408'));
    expect(answered.length).toBeGreaterThan(0);
  });

  it('answers 429 with a JSON message once the live-stream cap is reached', async () => {
    const { url, port } = await serve({ sseMaxClients: 2 });
    const streams = await Promise.all([rawConnection(port), rawConnection(port)]);
    for (const s of streams) s.socket.write('GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor(() => streams.every((s) => s.data().includes('retry: 2000')), 'two streams to open');
    const third = await fetch(`${url}/api/stream`);
    expect(third.status).toBe(429);
    const body = (await third.json()) as { error: string };
    expect(body.error).toContain('http.sse_max_clients = 2');
    // A slot frees when a client leaves.
    streams[0]?.socket.destroy();
    await waitFor(async () => {
      const r = await fetch(`${url}/api/stream`, { signal: AbortSignal.timeout(2_000) }).catch(
        () => undefined,
      );
      const ok = r?.status === 200;
      await r?.body?.cancel();
      return ok;
    }, 'a stream slot to free up after a client left');
  });

  it('refuses a DNS-rebinding Host header with 421 naming the config key, and serves an allowed name', async () => {
    const { port } = await serve({ allowedHosts: ['thump.example.com'] });
    const ask = async (host: string) => {
      const c = await rawConnection(port);
      c.socket.write(`GET /api/hosts HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      await waitFor(() => c.closed(), `an answer for Host ${host}`);
      return c.data();
    };
    const evil = await ask(`attacker.example:${port}`);
    expect(evil).toMatch(/^HTTP\/1\.1 421/);
    expect(evil).toContain('http.allowed_hosts');
    expect(await ask(`thump.example.com:${port}`)).toMatch(/^HTTP\/1\.1 200/);
    expect(await ask(`THUMP.example.com.`)).toMatch(/^HTTP\/1\.1 200/);
    expect(await ask(`127.0.0.1:${port}`)).toMatch(/^HTTP\/1\.1 200/);
    expect(await ask(`localhost:${port}`)).toMatch(/^HTTP\/1\.1 200/);
    expect(await ask(`[::1]:${port}`)).toMatch(/^HTTP\/1\.1 200/);
  });

  it('refuses names when listening on all interfaces unless they are listed', async () => {
    const { port } = await serve({}, '0.0.0.0');
    const c = await rawConnection(port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: monitor.lan\r\nConnection: close\r\n\r\n');
    await waitFor(() => c.closed(), 'an answer');
    expect(c.data()).toMatch(/^HTTP\/1\.1 421/);
  });

  it('caps open connections per remote address with a 429 answer', async () => {
    const { port } = await serve({ maxConnectionsPerAddress: 5 });
    const held = await Promise.all(Array.from({ length: 5 }, () => rawConnection(port)));
    const extra = await rawConnection(port);
    await waitFor(() => extra.closed(), 'the sixth connection to be closed');
    expect(extra.data()).toMatch(/^HTTP\/1\.1 429/);
    expect(extra.data()).toContain('http.max_connections_per_address = 5');
    // The five held ones still work.
    held[0]?.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor(() => held[0]?.data().startsWith('HTTP/1.1 200'), 'a held connection to be served');
    expect(held.every((h) => !h.closed())).toBe(true);
  });

  it('answers 431 for a header block over max_header_size and 413 for a body over body_limit', async () => {
    const { url } = await serve({ maxHeaderSize: 2048, bodyLimit: 4096 });
    const big = await fetch(`${url}/healthz`, { headers: { 'x-big': 'a'.repeat(4096) } });
    expect(big.status).toBe(431);
    const body = await fetch(`${url}/api/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ host: 'x', comment: 'b'.repeat(8192) }),
    });
    expect(body.status).toBe(413);
  });

  it('closes connections that never send a byte (idle sockets cannot pile up)', async () => {
    const { port } = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const idle = await Promise.all(Array.from({ length: 30 }, () => rawConnection(port)));
    await waitFor(() => idle.every((c) => c.closed()), 'every idle connection to be closed', 10_000);
  });

  it('keeps a live stream open past connection_timeout while an idle socket is closed', async () => {
    const { port } = await serve({
      connectionTimeoutMs: 300,
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 30_000,
    });
    const stream = await rawConnection(port);
    stream.socket.write('GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor(() => stream.data().includes('retry: 2000'), 'the stream to open');
    // A request whose body stops halfway: the socket goes silent mid-request.
    const idle = await rawConnection(port);
    idle.socket.write(
      'POST /api/silences HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"ho',
    );
    // connection_timeout (300 ms) closes the silent socket; the stream, opened first and
    // silent since (its ping period is 15 s), must outlive it.
    await waitFor(() => idle.closed(), 'the idle connection to time out', 10_000);
    expect(stream.closed()).toBe(false);
  });

  it('closes an idle keep-alive connection after keep_alive_timeout', async () => {
    const { port } = await serve({ keepAliveTimeoutMs: 300 });
    const c = await rawConnection(port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor(() => c.data().startsWith('HTTP/1.1 200'), 'the first answer');
    await waitFor(() => c.closed(), 'the idle connection to be closed', 5_000);
  });
});
