import { decodeBeat, decodeLegacy, type Keyring, type RejectReason } from '../protocol/index.js';
import type { MonitorCore } from './core.js';

/** What the ingest path needs besides the core. */
export interface IngestOptions {
  keyring: Keyring;
  /** Accept `Thump!`/`PyHB` datagrams (identity = source IP). */
  legacy: boolean;
  /** Freshness window for beat timestamps, ms. */
  maxSkewMs: number;
  /** Called with a summary of rejected datagrams, at most once per `warnEveryMs`. */
  warn?: (summary: RejectSummary) => void;
  warnEveryMs?: number;
}

/** Rejections since the previous warning: never one log line per packet. */
export interface RejectSummary {
  total: number;
  byReason: Partial<Record<RejectReason, number>>;
  /** Source of the most recent rejected datagram. */
  lastFrom: string;
  sinceMs: number;
}

/**
 * The hot path from datagram bytes to registry update: decode + verify (codec), legacy
 * fallback, replay check and state update (core). Rejected datagrams are counted by reason
 * and summarised in a rate-limited warning. Returns a function the receiver calls for
 * each datagram; it never throws for any input.
 */
export function createIngest(core: MonitorCore, opts: IngestOptions) {
  const every = opts.warnEveryMs ?? 10_000;
  const decodeOpts = { maxSkewMs: opts.maxSkewMs };
  let pending: Partial<Record<RejectReason, number>> = {};
  let pendingTotal = 0;
  let windowStart = 0;
  let lastFrom = '';

  const flushWarnings = (now: number): void => {
    if (pendingTotal === 0) return;
    opts.warn?.({ total: pendingTotal, byReason: pending, lastFrom, sinceMs: now - windowStart });
    pending = {};
    pendingTotal = 0;
  };

  const rejected = (reason: RejectReason, ip: string, port: number, now: number, counted = false): void => {
    if (!counted) core.reject(reason);
    if (pendingTotal === 0) windowStart = now;
    pending[reason] = (pending[reason] ?? 0) + 1;
    pendingTotal++;
    lastFrom = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
    if (now - windowStart >= every) flushWarnings(now);
  };

  const ingest = (msg: Buffer, ip: string, port: number, now: number): void => {
    core.counters.packetsTotal++;
    const r = decodeBeat(msg, opts.keyring, now, decodeOpts);
    if (r.ok) {
      const why = core.beat(r.beat, ip, port, now);
      if (why !== undefined) rejected(why, ip, port, now, true); // core.beat counted it
      return;
    }
    if ((r.reason === 'bad-magic' || r.reason === 'too-short') && decodeLegacy(msg) !== undefined) {
      if (opts.legacy) {
        core.legacyBeat(ip, port, now);
        return;
      }
      rejected('legacy-disabled', ip, port, now);
      return;
    }
    rejected(r.reason, ip, port, now);
  };

  return { ingest, flushWarnings };
}

/** Normalises an IPv4-mapped IPv6 source (`::ffff:10.0.0.1`) to plain IPv4. */
export function plainIp(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
