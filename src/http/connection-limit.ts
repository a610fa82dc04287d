import type { Server, Socket } from 'node:net';

/** A raw answer for a connection refused before HTTP parsing starts (no Fastify involved). */
function tooMany(max: number): string {
  const body = JSON.stringify({
    error: `too many connections from your address (http.max_connections_per_address = ${max}); close some and retry`,
    statusCode: 429,
  });
  return [
    'HTTP/1.1 429 Too Many Requests',
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    'retry-after: 5',
    '',
    body,
  ].join('\r\n');
}

/**
 * Caps open connections per remote address on `server`: one more is answered 429 and
 * closed at once, so a single client cannot exhaust the monitor's file descriptors.
 * Returns the live per-address counts (for tests and metrics).
 */
export function limitConnectionsPerAddress(server: Server, max: number): Map<string, number> {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const addr = socket.remoteAddress ?? '';
    const n = (open.get(addr) ?? 0) + 1;
    if (n > max) {
      socket.on('error', () => {});
      socket.end(tooMany(max));
      // A client that never reads must not keep the socket: give up after a second.
      setTimeout(() => socket.destroy(), 1_000).unref();
      return;
    }
    open.set(addr, n);
    socket.once('close', () => {
      const left = (open.get(addr) ?? 1) - 1;
      if (left <= 0) open.delete(addr);
      else open.set(addr, left);
    });
  });
  return open;
}
