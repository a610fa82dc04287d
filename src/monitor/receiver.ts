import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { ResourceError } from '../errors.js';
import { plainIp } from './ingest.js';
import { formatListen, parseMulticast, type UdpListen } from './listen.js';
import { loadNativeUdp, NativeUdpSocket } from './native-udp.js';

/** `native`: batched recvmmsg (native/udp_recv.c); `dgram`: node:dgram; `auto`: native if built. */
export type ReceiverKind = 'auto' | 'native' | 'dgram';

export interface ReceiverOptions {
  listen: readonly UdpListen[];
  multicast?: readonly string[];
  recvBufferBytes?: number;
  /** Which socket implementation to use; default `auto`. */
  kind?: ReceiverKind;
  /**
   * Called for every datagram with the plain source IP and port. Must not throw. `msg` is
   * only valid during the call (the native receiver reuses its buffer).
   */
  onMessage: (msg: Buffer, ip: string, port: number) => void;
  /** Socket errors after start (rare; logged by the caller). */
  onError?: (err: Error) => void;
}

/** One bound socket, whichever implementation. */
interface Endpoint {
  port(): number;
  recvBufferSize(): number;
  join(group: string, iface?: string): void;
  kernelDrops(): number | undefined;
  close(): Promise<void>;
}

/**
 * The UDP edge: binds real IPv4/IPv6 sockets, joins multicast groups, asks for a large
 * receive buffer (bursts of beats must not overflow it), and hands each datagram on.
 * By default it uses the native batched receiver (one recvmmsg call and one JS call per
 * batch of up to 128 datagrams) and falls back to node:dgram when that is not built.
 * `start()` fails with a {@link ResourceError} naming the address (port in use...).
 */
export class UdpReceiver {
  private endpoints: Endpoint[] = [];
  /** Bound addresses (with the real port when 0 was asked for). */
  bound: UdpListen[] = [];
  /** The implementation in use (after `start()`). */
  kind: 'native' | 'dgram' = 'dgram';
  /** Why `auto` fell back to node:dgram, for one log line. */
  fallbackReason: string | undefined;

  constructor(private readonly opts: ReceiverOptions) {}

  async start(): Promise<void> {
    const { listen } = this.opts;
    const wanted = this.opts.kind ?? 'auto';
    const native = wanted === 'dgram' ? undefined : loadNativeUdp();
    if (native instanceof Error) {
      if (wanted === 'native') throw new ResourceError(`monitor.receiver is "native" but ${native.message}`);
      this.fallbackReason = native.message;
    }
    this.kind = native === undefined || native instanceof Error ? 'dgram' : 'native';
    try {
      for (const l of listen) {
        // When the same port is also bound on udp4, the v6 socket must be v6-only.
        const ipv6Only = l.family === 6 && listen.some((o) => o.family === 4 && o.port === l.port);
        const ep =
          native === undefined || native instanceof Error
            ? await this.openDgram(l, ipv6Only)
            : this.openNative(native, l, ipv6Only);
        this.endpoints.push(ep);
        for (const spec of this.opts.multicast ?? []) {
          const { group, iface } = parseMulticast(spec);
          if (isIP(group) !== l.family) continue;
          try {
            ep.join(group, iface);
          } catch (err) {
            throw new ResourceError(
              `cannot join multicast group ${spec} on ${formatListen(l)}: ${(err as Error).message}`,
              { cause: err },
            );
          }
        }
        this.bound.push({ ...l, port: ep.port() });
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private openNative(b: Exclude<ReturnType<typeof loadNativeUdp>, Error>, l: UdpListen, ipv6Only: boolean) {
    let s: NativeUdpSocket;
    try {
      s = new NativeUdpSocket(b, {
        family: l.family,
        host: l.host,
        port: l.port,
        ipv6Only,
        recvBufferBytes: this.opts.recvBufferBytes ?? 0,
        onMessage: this.opts.onMessage,
      });
    } catch (err) {
      throw bindError(err as NodeJS.ErrnoException, l);
    }
    s.start();
    return {
      port: () => s.port(),
      recvBufferSize: () => s.recvBufferSize(),
      join: (group: string, iface?: string) => s.join(group, iface),
      kernelDrops: () => s.kernelDrops(),
      close: async () => s.close(),
    };
  }

  private async openDgram(l: UdpListen, ipv6Only: boolean): Promise<Endpoint> {
    const s = createSocket({ type: l.family === 6 ? 'udp6' : 'udp4', ipv6Only });
    const ep: Endpoint = {
      port: () => s.address().port,
      recvBufferSize: () => s.getRecvBufferSize(),
      join: (group, iface) => (iface === undefined ? s.addMembership(group) : s.addMembership(group, iface)),
      kernelDrops: () => undefined,
      close: () =>
        new Promise<void>((res) => {
          try {
            s.close(() => res());
          } catch {
            res();
          }
        }),
    };
    try {
      await bind(s, l);
    } catch (err) {
      await ep.close();
      throw err;
    }
    const bufBytes = this.opts.recvBufferBytes;
    if (bufBytes !== undefined) {
      try {
        s.setRecvBufferSize(bufBytes);
      } catch {
        // The kernel caps it at net.core.rmem_max; a smaller buffer still works.
      }
    }
    s.on('message', (msg, rinfo) => this.opts.onMessage(msg, plainIp(rinfo.address), rinfo.port));
    s.on('error', (err) => this.opts.onError?.(err));
    return ep;
  }

  /** Effective receive buffer of the first socket (what the kernel granted). */
  recvBufferSize(): number {
    try {
      return this.endpoints[0]?.recvBufferSize() ?? 0;
    } catch {
      return 0;
    }
  }

  /**
   * Datagrams the kernel dropped because a receive buffer was full, summed over the sockets
   * (native receiver only: SO_RXQ_OVFL; undefined with node:dgram).
   */
  kernelDrops(): number | undefined {
    if (this.kind !== 'native') return undefined;
    return this.endpoints.reduce((n, e) => n + (e.kernelDrops() ?? 0), 0);
  }

  async stop(): Promise<void> {
    const all = this.endpoints;
    this.endpoints = [];
    await Promise.all(all.map((e) => e.close()));
  }
}

function bindError(err: NodeJS.ErrnoException, l: UdpListen): ResourceError {
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
  return new ResourceError(`cannot listen for UDP on ${formatListen(l)}: ${why}`, { cause: err });
}

function bind(s: Socket, l: UdpListen): Promise<void> {
  return new Promise((res, rej) => {
    const onError = (err: NodeJS.ErrnoException) => rej(bindError(err, l));
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
