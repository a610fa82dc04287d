import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The batched receiver built from native/udp_recv.c (recvmmsg + a libuv poll handle on the
 * main loop). Loaded lazily; when it is missing (not Linux, no compiler when `npm ci` ran)
 * {@link loadNativeUdp} returns the reason and the monitor falls back to node:dgram.
 */
interface Binding {
  open(
    family: 4 | 6,
    host: string,
    port: number,
    rcvbuf: number,
    ipv6Only: boolean,
    data: Buffer,
    meta: Uint32Array,
  ): object;
  start(handle: object, onBatch: (count: number) => void): void;
  join(handle: object, group: string, iface: string): void;
  localPort(handle: object): number;
  recvBufferSize(handle: object): number;
  close(handle: object): void;
  BATCH: number;
  SLOT: number;
  META: number;
}

/** Where `npm run build:native` puts the module (the same from src/monitor and dist/monitor). */
export const NATIVE_UDP_PATH = fileURLToPath(
  new URL('../../native/build/Release/thump_udp.node', import.meta.url),
);

let loaded: Binding | Error | undefined;

/** The native binding, or an Error saying why it cannot be used. Cached. */
export function loadNativeUdp(): Binding | Error {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'linux') {
    loaded = new Error(`the native UDP receiver needs Linux (recvmmsg); this is ${process.platform}`);
    return loaded;
  }
  try {
    loaded = createRequire(import.meta.url)(NATIVE_UDP_PATH) as Binding;
  } catch (err) {
    loaded = new Error(
      `the native UDP receiver is not built (${NATIVE_UDP_PATH}: ${(err as Error).message.split('\n')[0]}); ` +
        'build it with "npm run build:native" (needs make and a C compiler)',
    );
  }
  return loaded;
}

/** An IPv4 address held as an unsigned 32-bit number, as dotted quad. */
export function formatIpv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/**
 * 16 address bytes as RFC 5952 text (lower case, longest run of two or more zero groups as
 * `::`, the first such run on a tie). IPv4-mapped addresses come back as plain IPv4, as the
 * monitor stores them. `scope` (a link-local zone index) is appended as `%N`.
 */
export function formatIpv6(b: Uint8Array, at = 0, scope = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(((b[at + 2 * i] as number) << 8) | (b[at + 2 * i + 1] as number));
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `${b[at + 12]}.${b[at + 13]}.${b[at + 14]}.${b[at + 15]}`;
  }
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(':');
  const text = bestAt < 0 ? hex(0, 8) : `${hex(0, bestAt)}::${hex(bestAt + bestLen, 8)}`;
  return scope ? `${text}%${scope}` : text;
}

export interface NativeUdpOptions {
  family: 4 | 6;
  host: string;
  port: number;
  ipv6Only: boolean;
  /** Requested receive buffer (privileged processes get it past net.core.rmem_max); 0 = default. */
  recvBufferBytes: number;
  /** Called for every datagram. `msg` is only valid during the call (the buffer is reused). */
  onMessage: (msg: Buffer, ip: string, port: number) => void;
}

/**
 * One bound socket of the native receiver. Datagrams arrive in batches of up to `BATCH`
 * per JS call, each handed to `onMessage` as a view into a shared buffer.
 */
export class NativeUdpSocket {
  private handle: object | undefined;
  private readonly meta: Uint32Array;
  private readonly metaBytes: Uint8Array;
  private readonly data: Buffer;
  /** IPv4 source -> text, so a steady fleet formats each address once. */
  private readonly v4 = new Map<number, string>();

  /** Opens and binds at once; throws an Error with `code` (EADDRINUSE...) and `syscall`. */
  constructor(
    private readonly b: Binding,
    private readonly opts: NativeUdpOptions,
  ) {
    this.data = Buffer.allocUnsafeSlow(b.BATCH * b.SLOT);
    this.meta = new Uint32Array(b.BATCH * b.META + 1);
    this.metaBytes = new Uint8Array(this.meta.buffer);
    this.handle = b.open(
      opts.family,
      opts.host,
      opts.port,
      opts.recvBufferBytes,
      opts.ipv6Only,
      this.data,
      this.meta,
    );
  }

  start(): void {
    if (this.handle) this.b.start(this.handle, (n) => this.onBatch(n));
  }

  private onBatch(n: number): void {
    const { META, SLOT } = this.b;
    const meta = this.meta;
    for (let i = 0; i < n; i++) {
      const m = i * META;
      const len = meta[m] as number;
      // A truncated datagram is passed on longer than any beat, so the decoder says too-long.
      const msg = this.data.subarray(i * SLOT, i * SLOT + (meta[m + 1] ? SLOT : len));
      let ip: string;
      if (meta[m + 3] === 4) {
        const a = meta[m + 5] as number;
        ip = this.v4.get(a) ?? this.remember(a);
      } else {
        ip = formatIpv6(this.metaBytes, (m + 5) * 4, meta[m + 4]);
      }
      this.opts.onMessage(msg, ip, meta[m + 2] as number);
    }
  }

  private remember(a: number): string {
    if (this.v4.size >= 1 << 20) this.v4.clear();
    const s = formatIpv4(a);
    this.v4.set(a, s);
    return s;
  }

  /** Datagrams the kernel dropped because the receive buffer was full (cumulative). */
  kernelDrops(): number {
    return this.meta[this.b.BATCH * this.b.META] as number;
  }

  join(group: string, iface?: string): void {
    if (this.handle) this.b.join(this.handle, group, iface ?? '');
  }

  port(): number {
    return this.handle ? this.b.localPort(this.handle) : 0;
  }

  recvBufferSize(): number {
    return this.handle ? this.b.recvBufferSize(this.handle) : 0;
  }

  close(): void {
    if (this.handle) this.b.close(this.handle);
    this.handle = undefined;
  }
}
