import type { CheckResult } from '../protocol/types.js';
import type { HostSnapshot, HostSource, HostState } from './types.js';

/** Host states as small integers (index into {@link STATE_NAMES}). */
export const UP = 0;
export const DOWN = 1;
export const LEFT = 2;
export const STATE_NAMES: readonly HostState[] = ['up', 'down', 'left'];
const STATE_CODES: Record<HostState, number> = { up: UP, down: DOWN, left: LEFT };

export const SOURCE_NAMES: readonly HostSource[] = ['agent', 'legacy', 'sweep'];
const SOURCE_CODES: Record<HostSource, number> = { agent: 0, legacy: 1, sweep: 2 };

/** Flag bits in {@link HostRegistry.flags}. */
export const F_FLAPPING = 1;
/** Marked down while the monitor's own network was suspect: no `down` event was recorded. */
export const F_SILENT_DOWN = 2;
/** Changed since the last flush to the database. */
export const F_DIRTY = 4;
/** `bootHi`/`bootLo` hold a boot id (legacy senders have none). */
export const F_BOOT = 8;
/** `ip` is an index into the interned non-IPv4 addresses, not an IPv4 address. */
export const F_IP_INTERNED = 16;

/**
 * Per-host state for up to millions of hosts, kept as a struct of arrays: one typed array
 * per numeric field, indexed by a dense host index. The only per-host strings are the ids
 * (held once, by the index Map and `ids`); boot ids are stored as two u32, IPv4 sources as
 * one u32 (IPv6 sources are interned), so updating a host on a beat allocates nothing.
 * Checks and labels live in sparse maps only for hosts that send them.
 *
 * This is plain storage: the rules (replay, transitions, flapping) live in core.ts.
 */
export class HostRegistry {
  size = 0;
  private capacity: number;
  readonly index = new Map<string, number>();
  ids: string[] = [];
  state: Uint8Array;
  source: Uint8Array;
  flags: Uint8Array;
  seq: Uint32Array;
  intervalMs: Uint32Array;
  timeoutMs: Uint32Array;
  flapBits: Uint32Array;
  uptime: Uint32Array;
  bootHi: Uint32Array;
  bootLo: Uint32Array;
  ip: Uint32Array;
  port: Uint16Array;
  firstSeenAt: Float64Array;
  lastBeatAt: Float64Array;
  stateSince: Float64Array;
  sentAt: Float64Array;
  memTotal: Float64Array;
  memAvail: Float64Array;
  diskTotal: Float64Array;
  diskUsed: Float64Array;
  load: Float32Array;
  /**
   * Phi detector estimates (core.ts, phi.ts): EWMA mean and variance of the time between
   * accepted beats (ms, ms²), and 0 = no estimate yet, else 1 + samples taken (saturates at
   * 255). Not persisted: a restarted monitor learns again. 9 bytes per host, used or not.
   */
  phiMean: Float32Array;
  phiVar: Float32Array;
  phiCount: Uint8Array;
  readonly checks = new Map<number, CheckResult[]>();
  readonly labels = new Map<number, Record<string, string>>();
  private readonly ips: string[] = [];
  private readonly ipIndex = new Map<string, number>();
  /** Hosts per state, kept current by {@link setState}. */
  readonly counts = [0, 0, 0];
  /** Called when the arrays grow, so parallel structures (the deadline wheel) can follow. */
  onGrow?: (capacity: number) => void;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    const n = this.capacity;
    this.state = new Uint8Array(n);
    this.source = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.seq = new Uint32Array(n);
    this.intervalMs = new Uint32Array(n);
    this.timeoutMs = new Uint32Array(n);
    this.flapBits = new Uint32Array(n);
    this.uptime = new Uint32Array(n);
    this.bootHi = new Uint32Array(n);
    this.bootLo = new Uint32Array(n);
    this.ip = new Uint32Array(n);
    this.port = new Uint16Array(n);
    this.firstSeenAt = new Float64Array(n);
    this.lastBeatAt = new Float64Array(n);
    this.stateSince = new Float64Array(n);
    this.sentAt = new Float64Array(n);
    this.memTotal = new Float64Array(n);
    this.memAvail = new Float64Array(n);
    this.diskTotal = new Float64Array(n);
    this.diskUsed = new Float64Array(n);
    this.load = new Float32Array(n * 3);
    this.phiMean = new Float32Array(n);
    this.phiVar = new Float32Array(n);
    this.phiCount = new Uint8Array(n);
  }

  /** Current array capacity (hosts that fit before the next growth). */
  get cap(): number {
    return this.capacity;
  }

  /** Index of a host, or -1. */
  find(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** Adds a host in state `up` (counted) and returns its index. */
  add(id: string, source: HostSource, now: number): number {
    if (this.size === this.capacity) this.grow(Math.ceil(this.capacity * 1.5));
    const i = this.size++;
    this.index.set(id, i);
    this.ids[i] = id;
    this.state[i] = UP;
    this.counts[UP] = (this.counts[UP] as number) + 1;
    this.source[i] = SOURCE_CODES[source];
    this.flags[i] = F_DIRTY;
    this.firstSeenAt[i] = now;
    this.stateSince[i] = now;
    this.lastBeatAt[i] = now;
    return i;
  }

  /** Moves a host to another state, keeping the per-state counts and `stateSince` right. */
  setState(i: number, state: number, at: number): void {
    const old = this.state[i] as number;
    if (old === state) return;
    this.counts[old] = (this.counts[old] as number) - 1;
    this.counts[state] = (this.counts[state] as number) + 1;
    this.state[i] = state;
    this.stateSince[i] = at;
    this.flags[i] = (this.flags[i] as number) | F_DIRTY;
  }

  /** True when host `i`'s stored boot id equals `bootId` (16 hex chars). No allocation. */
  sameBoot(i: number, bootId: string): boolean {
    if (((this.flags[i] as number) & F_BOOT) === 0) return bootId === '';
    return hexU32(bootId, 0) === this.bootHi[i] && hexU32(bootId, 8) === this.bootLo[i];
  }

  /** True when host `i` has a boot id at all. */
  hasBoot(i: number): boolean {
    return ((this.flags[i] as number) & F_BOOT) !== 0;
  }

  setBoot(i: number, bootId: string): void {
    if (bootId === '') {
      this.flags[i] = (this.flags[i] as number) & ~F_BOOT;
      return;
    }
    this.bootHi[i] = hexU32(bootId, 0);
    this.bootLo[i] = hexU32(bootId, 8);
    this.flags[i] = (this.flags[i] as number) | F_BOOT;
  }

  /** The boot id as 16 hex chars, `''` when none. */
  bootId(i: number): string {
    if (!this.hasBoot(i)) return '';
    return (
      (this.bootHi[i] as number).toString(16).padStart(8, '0') +
      (this.bootLo[i] as number).toString(16).padStart(8, '0')
    );
  }

  /** Stores a source address: IPv4 as a u32, anything else interned once. No allocation per beat. */
  setAddress(i: number, ip: string, port: number): void {
    const v4 = parseIpv4(ip);
    if (v4 >= 0) {
      this.ip[i] = v4;
      this.flags[i] = (this.flags[i] as number) & ~F_IP_INTERNED;
    } else {
      let k = this.ipIndex.get(ip);
      if (k === undefined) {
        k = this.ips.length;
        this.ips.push(ip);
        this.ipIndex.set(ip, k);
      }
      this.ip[i] = k;
      this.flags[i] = (this.flags[i] as number) | F_IP_INTERNED;
    }
    this.port[i] = port;
  }

  /** `ip:port`, or `[ip]:port` for IPv6; `''` when unknown. */
  address(i: number): string {
    const port = this.port[i] as number;
    const v = this.ip[i] as number;
    if (((this.flags[i] as number) & F_IP_INTERNED) === 0) {
      if (v === 0 && port === 0) return '';
      return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}:${port}`;
    }
    const ip = this.ips[v];
    if (ip === undefined || ip === '') return '';
    return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
  }

  /** A full copy of one host, as the API and the store want it. */
  snapshot(i: number): HostSnapshot {
    const f = this.flags[i] as number;
    return {
      id: this.ids[i] as string,
      state: STATE_NAMES[this.state[i] as number] as HostState,
      source: SOURCE_NAMES[this.source[i] as number] as HostSource,
      address: this.address(i),
      firstSeenAt: this.firstSeenAt[i] as number,
      lastBeatAt: this.lastBeatAt[i] as number,
      stateSince: this.stateSince[i] as number,
      bootId: this.bootId(i),
      seq: this.seq[i] as number,
      sentAt: this.sentAt[i] as number,
      intervalMs: this.intervalMs[i] as number,
      timeoutMs: this.timeoutMs[i] as number,
      uptimeSeconds: this.uptime[i] as number,
      // Stored as float32; the wire carries hundredths, so round back to them for display.
      load: [centi(this.load[i * 3]), centi(this.load[i * 3 + 1]), centi(this.load[i * 3 + 2])],
      memTotalBytes: this.memTotal[i] as number,
      memAvailableBytes: this.memAvail[i] as number,
      diskTotalBytes: this.diskTotal[i] as number,
      diskUsedBytes: this.diskUsed[i] as number,
      checks: this.checks.get(i) ?? [],
      labels: this.labels.get(i) ?? {},
      flapping: (f & F_FLAPPING) !== 0,
      flapBits: this.flapBits[i] as number,
    };
  }

  /** Adds a host from its stored copy (restart) and returns its index. */
  restore(h: HostSnapshot): number {
    const i = this.add(h.id, h.source, h.firstSeenAt);
    this.setState(i, STATE_CODES[h.state] ?? UP, h.stateSince);
    this.stateSince[i] = h.stateSince;
    this.flags[i] = h.flapping ? F_FLAPPING : 0;
    this.setBoot(i, h.bootId);
    this.seq[i] = h.seq;
    this.sentAt[i] = h.sentAt;
    this.lastBeatAt[i] = h.lastBeatAt;
    this.intervalMs[i] = h.intervalMs;
    this.timeoutMs[i] = h.timeoutMs;
    this.flapBits[i] = h.flapBits;
    this.uptime[i] = h.uptimeSeconds;
    this.load[i * 3] = h.load[0];
    this.load[i * 3 + 1] = h.load[1];
    this.load[i * 3 + 2] = h.load[2];
    this.memTotal[i] = h.memTotalBytes;
    this.memAvail[i] = h.memAvailableBytes;
    this.diskTotal[i] = h.diskTotalBytes;
    this.diskUsed[i] = h.diskUsedBytes;
    if (h.checks.length > 0) this.checks.set(i, h.checks);
    if (Object.keys(h.labels).length > 0) this.labels.set(i, h.labels);
    const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(h.address);
    this.setAddress(i, m ? (m[1] as string) : '', m ? Number(m[2]) : 0);
    return i;
  }

  private grow(n: number): void {
    const g = <T extends Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array>(
      a: T,
      k = 1,
    ): T => {
      const b = new (a.constructor as new (len: number) => T)(n * k);
      b.set(a);
      return b;
    };
    this.state = g(this.state);
    this.source = g(this.source);
    this.flags = g(this.flags);
    this.seq = g(this.seq);
    this.intervalMs = g(this.intervalMs);
    this.timeoutMs = g(this.timeoutMs);
    this.flapBits = g(this.flapBits);
    this.uptime = g(this.uptime);
    this.bootHi = g(this.bootHi);
    this.bootLo = g(this.bootLo);
    this.ip = g(this.ip);
    this.port = g(this.port);
    this.firstSeenAt = g(this.firstSeenAt);
    this.lastBeatAt = g(this.lastBeatAt);
    this.stateSince = g(this.stateSince);
    this.sentAt = g(this.sentAt);
    this.memTotal = g(this.memTotal);
    this.memAvail = g(this.memAvail);
    this.diskTotal = g(this.diskTotal);
    this.diskUsed = g(this.diskUsed);
    this.load = g(this.load, 3);
    this.phiMean = g(this.phiMean);
    this.phiVar = g(this.phiVar);
    this.phiCount = g(this.phiCount);
    this.capacity = n;
    this.onGrow?.(n);
  }
}

/** Parses 8 hex chars at `at` into a u32 (invalid chars count as 0). */
function hexU32(s: string, at: number): number {
  let v = 0;
  for (let k = at; k < at + 8; k++) {
    const c = s.charCodeAt(k);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : 0;
    v = v * 16 + d;
  }
  return v >>> 0;
}

/** Dotted-quad IPv4 to u32, or -1 when `s` is not one. */
export function parseIpv4(s: string): number {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return v * 256 + part;
}

function centi(v: number | undefined): number {
  return Math.round((v ?? 0) * 100) / 100;
}
