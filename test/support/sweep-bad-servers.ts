/**
 * Tiny misbehaving TCP endpoints on loopback for sweep error-class tests: one that
 * accepts and never speaks, one that closes at once, one that speaks garbage, and a
 * port that is certainly closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { freeTcpPort } from './proc.js';

export interface BadServer {
  port: number;
  /** Connections accepted so far. */
  accepted: () => number;
  close: () => Promise<void>;
}

export type BadBehaviour = 'silent' | 'close' | 'garbage';

/** Starts a listener on 127.0.0.1 that misbehaves as asked. */
export function startBadServer(behaviour: BadBehaviour): Promise<BadServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const srv: Server = createServer((sock) => {
    accepted++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    if (behaviour === 'close') sock.destroy();
    else if (behaviour === 'garbage') sock.end('HTTP/1.1 400 Bad Request\r\n\r\n\x00\x01\x02garbage\r\n');
    // silent: hold the connection open and say nothing.
  });
  return new Promise((res, rej) => {
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      res({
        port,
        accepted: () => accepted,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            srv.close(() => r());
          }),
      });
    });
  });
}

/** A port with nothing listening (freshly freed by the kernel). */
export function closedPort(): Promise<number> {
  return freeTcpPort();
}
