import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { ResourceError, UsageError } from '../errors.js';
import { DEFAULT_UDP_PORT } from './config.js';
import { plainIp } from './ingest.js';

/** One UDP listen address. */
export interface UdpListen {
  host: string;
  port: number;
  family: 4 | 6;
}

/**
 * Parses `PORT`, `ADDR:PORT`, `[V6ADDR]:PORT` (or a bare address, default port). A bare port
 * means every IPv4 address. `what` names the flag or key in the error.
 */
export function parseUdpListen(text: string, what = '--udp'): UdpListen {
  const s = text.trim();
  const bad = () =>
    new UsageError(`${what}: "${text}" is not a UDP listen address; use PORT, ADDR:PORT or [V6ADDR]:PORT`);
  const port = (p: string) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 0 || n > 65535) throw bad();
    return n;
  };
  if (/^\d+$/.test(s)) return { host: '0.0.0.0', port: port(s), family: 4 };
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    if (isIP(v6[1] as string) !== 6) throw bad();
    return { host: v6[1] as string, port: v6[2] ? port(v6[2]) : DEFAULT_UDP_PORT, family: 6 };
  }
  const v4 = /^([^:]+)(?::(\d+))?$/.exec(s);
  if (v4 && isIP(v4[1] as string) === 4) {
    return { host: v4[1] as string, port: v4[2] ? port(v4[2]) : DEFAULT_UDP_PORT, family: 4 };
  }
  if (isIP(s) === 6) return { host: s, port: DEFAULT_UDP_PORT, family: 6 };
  throw bad();
}

/**
 * Parses a multicast spec: `GROUP` (joined on the default interface) or `GROUP@IFACE`, where
 * IFACE is the local interface address to join on (`239.1.2.3@10.0.0.5`, `ff15::1@::%eth0`).
 */
export function parseMulticast(spec: string, what = '--multicast'): { group: string; iface?: string } {
  const at = spec.indexOf('@');
  const group = at < 0 ? spec.trim() : spec.slice(0, at).trim();
  const iface = at < 0 ? undefined : spec.slice(at + 1).trim();
  const fam = isIP(group);
  const first = fam === 4 ? Number(group.split('.')[0]) : -1;
  const multicast =
    fam === 4 ? first >= 224 && first <= 239 : fam === 6 && group.toLowerCase().startsWith('ff');
  if (!multicast || iface === '') {
    throw new UsageError(
      `${what}: "${spec}" is not a multicast group; use GROUP or GROUP@INTERFACE_ADDRESS, e.g. 239.255.43.78`,
    );
  }
  return iface === undefined ? { group } : { group, iface };
}

/** Formats a listen address back (`0.0.0.0:43278`, `[::]:43278`). */
export function formatListen(l: { host: string; port: number; family: 4 | 6 }): string {
  return l.family === 6 ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`;
}

export interface ReceiverOptions {
  listen: readonly UdpListen[];
  multicast?: readonly string[];
  recvBufferBytes?: number;
  /** Called for every datagram with the plain source IP and port. Must not throw. */
  onMessage: (msg: Buffer, ip: string, port: number) => void;
  /** Socket errors after start (rare; logged by the caller). */
  onError?: (err: Error) => void;
}

/**
 * The UDP edge: binds real udp4/udp6 sockets, joins multicast groups, asks for a large
 * receive buffer (bursts of beats must not overflow it), and hands each datagram on.
 * `start()` fails with a {@link ResourceError} naming the address (port in use...).
 */
export class UdpReceiver {
  private sockets: Socket[] = [];
  /** Bound addresses (with the real port when 0 was asked for). */
  bound: UdpListen[] = [];

  constructor(private readonly opts: ReceiverOptions) {}

  async start(): Promise<void> {
    const { listen } = this.opts;
    try {
      for (const l of listen) {
        // When the same port is also bound on udp4, the v6 socket must be v6-only.
        const ipv6Only = l.family === 6 && listen.some((o) => o.family === 4 && o.port === l.port);
        const s = createSocket({ type: l.family === 6 ? 'udp6' : 'udp4', ipv6Only });
        this.sockets.push(s);
        await bind(s, l);
        const bufBytes = this.opts.recvBufferBytes;
        if (bufBytes !== undefined) {
          try {
            s.setRecvBufferSize(bufBytes);
          } catch {
            // The kernel caps it at net.core.rmem_max; a smaller buffer still works.
          }
        }
        for (const spec of this.opts.multicast ?? []) {
          const { group, iface } = parseMulticast(spec);
          if (isIP(group) !== l.family) continue;
          try {
            if (iface === undefined) s.addMembership(group);
            else s.addMembership(group, iface);
          } catch (err) {
            throw new ResourceError(
              `cannot join multicast group ${spec} on ${formatListen(l)}: ${(err as Error).message}`,
              { cause: err },
            );
          }
        }
        s.on('message', (msg, rinfo) => this.opts.onMessage(msg, plainIp(rinfo.address), rinfo.port));
        s.on('error', (err) => this.opts.onError?.(err));
        this.bound.push({ ...l, port: s.address().port });
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Effective receive buffer of the first socket (what the kernel granted). */
  recvBufferSize(): number {
    const s = this.sockets[0];
    try {
      return s ? s.getRecvBufferSize() : 0;
    } catch {
      return 0;
    }
  }

  async stop(): Promise<void> {
    const all = this.sockets;
    this.sockets = [];
    await Promise.all(
      all.map(
        (s) =>
          new Promise<void>((res) => {
            try {
              s.close(() => res());
            } catch {
              res();
            }
          }),
      ),
    );
  }
}

function bind(s: Socket, l: UdpListen): Promise<void> {
  return new Promise((res, rej) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? 'the port is already in use'
          : err.code === 'EADDRNOTAVAIL'
            ? 'the address is not on this machine'
            : err.code === 'EACCES'
              ? 'permission denied (ports below 1024 need privileges)'
              : err.code === 'EAFNOSUPPORT'
                ? 'IPv6 is not available on this machine'
                : err.message;
      rej(new ResourceError(`cannot listen for UDP on ${formatListen(l)}: ${why}`, { cause: err }));
    };
    s.once('error', onError);
    try {
      s.bind({ address: l.host, port: l.port, exclusive: true }, () => {
        s.off('error', onError);
        res();
      });
    } catch (err) {
      onError(err as NodeJS.ErrnoException);
    }
  });
}
