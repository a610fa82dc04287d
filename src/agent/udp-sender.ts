import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import type { Destination } from './destinations.js';
import type { OnceLog } from './once-log.js';
import { type Monotonic, monotonic } from './timer.js';

/** `dns.lookup`-shaped resolver (tests inject their own). */
export type Lookup = (host: string) => Promise<{ address: string; family: number }>;

/**
 * The system resolver, IPv4 first: a monitor listens on IPv4 by default, and Node's verbatim
 * order would send `--to localhost` to ::1, where an IPv4-only monitor never hears it (UDP
 * gives no error). Names with only IPv6 addresses still work; `[v6]` literals are not looked up.
 */
const systemLookup: Lookup = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (err, addresses) => {
      if (err) return reject(err);
      const pick = addresses.find((a) => a.family === 4) ?? addresses[0];
      if (pick === undefined) return reject(new Error(`no address for ${host}`));
      resolve(pick);
    });
  });

interface Resolved {
  address: string;
  family: 4 | 6;
  at: number;
}

export interface UdpSenderOptions {
  /** Re-resolve names after this long (the OS resolver caches below us). Default 30 s. */
  resolveTtlMs?: number;
  /** Longest a beat waits for a name it has never resolved. Default 2 s. */
  firstLookupTimeoutMs?: number;
  multicastTtl?: number;
  /** IPv4 address or `::%iface` of the interface multicast leaves by. */
  multicastInterface?: string;
  lookup?: Lookup;
  now?: Monotonic;
  /**
   * Problems logged once each and once when they clear: name lookups under the host name,
   * sockets and sends under the destination label, so a failing resolver and a working send
   * to the last good address do not flip each other's state on every beat.
   */
  problems: OnceLog;
}

/**
 * Sends datagrams to every destination from one IPv4 and (if needed) one IPv6 socket.
 * Names are re-resolved every `resolveTtlMs`; while a lookup is slow or failing, the last
 * good address keeps receiving beats. Every failure (DNS, ENETUNREACH, no IPv6...) is
 * reported to `problems` instead of being thrown: the agent keeps beating through them.
 */
export class UdpSender {
  private v4?: Promise<Socket>;
  private v6?: Promise<Socket>;
  private readonly cache = new Map<string, Resolved>();
  private readonly inflight = new Map<string, Promise<Resolved | undefined>>();

  constructor(
    private readonly dests: readonly Destination[],
    private readonly opts: UdpSenderOptions,
  ) {}

  /** Sends `buf` to every destination; resolves when each send finished or failed. */
  async sendAll(buf: Buffer): Promise<void> {
    await Promise.all(this.dests.map((d) => this.sendOne(d, buf)));
  }

  /** Closes the sockets. */
  async close(): Promise<void> {
    const socks = await Promise.allSettled([this.v4, this.v6].filter((p) => p !== undefined));
    for (const s of socks) if (s.status === 'fulfilled') s.value.close();
    this.v4 = undefined;
    this.v6 = undefined;
  }

  private async sendOne(d: Destination, buf: Buffer): Promise<void> {
    const target = await this.resolve(d);
    if (target === undefined) return;
    let sock: Socket;
    try {
      sock = await this.socket(target.family);
    } catch (err) {
      this.opts.problems.report(d.label, `cannot open IPv${target.family} socket: ${errText(err)}`);
      return;
    }
    await new Promise<void>((resolve) => {
      sock.send(buf, d.port, target.address, (err) => {
        this.opts.problems.report(d.label, err ? `send failed: ${errText(err)}` : undefined);
        resolve();
      });
    });
  }

  private async resolve(d: Destination): Promise<Resolved | undefined> {
    const fam = isIP(d.host.split('%')[0] as string);
    if (fam !== 0) return { address: d.host, family: fam as 4 | 6, at: 0 };
    const now = this.opts.now ?? monotonic;
    const cached = this.cache.get(d.host);
    if (cached !== undefined && now() - cached.at < (this.opts.resolveTtlMs ?? 30_000)) return cached;
    const pending = this.lookup(d);
    if (cached !== undefined) return cached; // stale but good: do not delay the beat
    const limit = this.opts.firstLookupTimeoutMs ?? 2_000;
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      t = setTimeout(() => {
        this.opts.problems.report(d.host, `name lookup slower than ${limit} ms`);
        resolve(undefined);
      }, limit);
    });
    const r = await Promise.race([pending, timeout]);
    clearTimeout(t);
    return r;
  }

  private lookup(d: Destination): Promise<Resolved | undefined> {
    let p = this.inflight.get(d.host);
    if (p !== undefined) return p;
    const lookup = this.opts.lookup ?? systemLookup;
    const now = this.opts.now ?? monotonic;
    p = lookup(d.host)
      .then(
        (r) => {
          const res: Resolved = { address: r.address, family: r.family === 6 ? 6 : 4, at: now() };
          this.cache.set(d.host, res);
          this.opts.problems.report(d.host, undefined);
          return res;
        },
        (err) => {
          this.opts.problems.report(d.host, `cannot resolve: ${errText(err)}`);
          return undefined;
        },
      )
      .finally(() => this.inflight.delete(d.host));
    this.inflight.set(d.host, p);
    return p;
  }

  private socket(family: 4 | 6): Promise<Socket> {
    if (family === 4) {
      this.v4 ??= this.open(4);
      return this.v4;
    }
    this.v6 ??= this.open(6);
    return this.v6;
  }

  private open(family: 4 | 6): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = createSocket({ type: family === 4 ? 'udp4' : 'udp6', ipv6Only: family === 6 });
      s.once('error', reject);
      s.bind({ port: 0, address: family === 4 ? '0.0.0.0' : '::' }, () => {
        s.removeListener('error', reject);
        // A socket error after bind must not crash the agent; sends report their own errors.
        s.on('error', (err) => this.opts.problems.report(`udp${family} socket`, errText(err)));
        try {
          if (family === 4 && this.dests.some((d) => d.kind === 'broadcast')) s.setBroadcast(true);
          s.setMulticastTTL(this.opts.multicastTtl ?? 1);
          const iface = this.opts.multicastInterface;
          if (iface !== undefined && (iface.includes(':') ? 6 : 4) === family) s.setMulticastInterface(iface);
        } catch (err) {
          this.opts.problems.report(`udp${family} multicast options`, errText(err));
        }
        resolve(s);
      });
    });
  }
}

function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code !== undefined
    ? `${e.code}${e.message && !e.message.startsWith(e.code) ? ` (${e.message})` : ''}`
    : String(err);
}
