import type { Keyring, PreparedKey } from './keyring.js';
import {
  type Beat,
  type CheckResult,
  type DecodeResult,
  REJECT_REASONS,
  type RejectReason,
  type Severity,
} from './types.js';
import * as W from './wire.js';

/**
 * Default freshness window: a beat whose `sentAt` differs from the monitor's clock by more
 * than this is dropped as `stale` or `future`. Five minutes (Kerberos' default skew) tolerates
 * hosts whose clocks drift without NTP for weeks, so a slightly wrong clock never looks like a
 * dead host, while a captured datagram cannot be replayed for long. Replays inside the window
 * are the registry's job (sequence number per boot id).
 */
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

export interface DecodeOptions {
  /** Freshness window in ms (both directions); default {@link DEFAULT_MAX_SKEW_MS}. */
  maxSkewMs?: number;
}

/** Byte -> two hex digits; turning the boot id into text this way is ~2x cheaper than toString('hex'). */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function bootIdHex(b: Buffer, o: number): string {
  return (
    (HEX[b[o] as number] as string) +
    HEX[b[o + 1] as number] +
    HEX[b[o + 2] as number] +
    HEX[b[o + 3] as number] +
    HEX[b[o + 4] as number] +
    HEX[b[o + 5] as number] +
    HEX[b[o + 6] as number] +
    HEX[b[o + 7] as number]
  );
}

type Reject = Extract<DecodeResult, { ok: false }>;
// One frozen object per reason: rejecting a datagram allocates nothing.
const REJECT = {} as Record<RejectReason, Reject>;
for (const r of REJECT_REASONS) {
  REJECT[r] = Object.freeze({ ok: false, reason: r });
}
function malformed(detail: string): Reject {
  return { ok: false, reason: 'malformed', detail };
}

/**
 * Decodes and verifies one datagram. Never throws, whatever the bytes: every rejection comes
 * back with a reason the monitor counts. Checks run cheapest first (size, magic, version, key
 * id), the MAC before any variable-length parsing, freshness last so a forged timestamp counts
 * as `bad-mac`, not `stale`. Stateless: sequence-number replays are the registry's job.
 */
export function decodeBeat(buf: Buffer, keys: Keyring, now: number, opts?: DecodeOptions): DecodeResult {
  const len = buf.length;
  if (len < W.MIN_DATAGRAM) return REJECT['too-short'];
  if (len > W.MAX_DATAGRAM) return REJECT['too-long'];
  if (buf.readUInt32BE(W.OFF_MAGIC) !== W.MAGIC) return REJECT['bad-magic'];
  if (buf[W.OFF_VERSION] !== W.VERSION) return REJECT['bad-version'];
  const keyId = buf.readUInt16BE(W.OFF_KEY_ID);
  const candidates = keys.candidates(keyId);
  if (candidates === undefined) return REJECT['unknown-key'];
  const macAt = len - W.MAC_LEN;
  let verified = false;
  for (let i = 0; i < candidates.length; i++) {
    if ((candidates[i] as PreparedKey).mac.verify(buf, macAt, W.MAC_LEN)) {
      verified = true;
      break;
    }
  }
  if (!verified) return REJECT['bad-mac'];

  // Authenticated from here on; the structure must still be exact.
  const flags = buf[W.OFF_FLAGS] as number;
  if ((flags & ~W.KNOWN_FLAGS) !== 0) return malformed('unknown flag bits');
  const nChecks = buf[W.OFF_N_CHECKS] as number;
  const nLabels = buf[W.OFF_N_LABELS] as number;
  let o = W.OFF_HOST_ID;
  const hostLen = buf[o] as number;
  if (hostLen < 1 || hostLen > W.MAX_HOST_ID) return malformed('host id length');
  o += 1 + hostLen;
  if (o > macAt) return malformed('host id overruns');
  const hostId = buf.toString('utf8', W.OFF_HOST_ID + 1, o);

  const checks: CheckResult[] = new Array(nChecks);
  for (let i = 0; i < nChecks; i++) {
    if (o + 1 > macAt) return malformed('check overruns');
    const idLen = buf[o] as number;
    if (idLen < 1 || idLen > W.MAX_CHECK_ID) return malformed('check id length');
    const idAt = o + 1;
    o = idAt + idLen;
    if (o + 2 > macAt) return malformed('check overruns');
    const severity = buf[o] as number;
    if (severity > 3) return malformed('check severity');
    const textLen = buf[o + 1] as number;
    const textAt = o + 2;
    o = textAt + textLen;
    if (o > macAt) return malformed('check text overruns');
    checks[i] = {
      id: buf.toString('utf8', idAt, idAt + idLen),
      severity: severity as Severity,
      text: buf.toString('utf8', textAt, o),
    };
  }

  const labels: Record<string, string> = {};
  for (let i = 0; i < nLabels; i++) {
    if (o + 1 > macAt) return malformed('label overruns');
    const keyLen = buf[o] as number;
    if (keyLen < 1 || keyLen > W.MAX_LABEL_KEY) return malformed('label key length');
    const keyAt = o + 1;
    o = keyAt + keyLen;
    if (o + 1 > macAt) return malformed('label overruns');
    const valLen = buf[o] as number;
    const valAt = o + 1;
    o = valAt + valLen;
    if (o > macAt) return malformed('label value overruns');
    const k = buf.toString('latin1', keyAt, keyAt + keyLen);
    if (k === '__proto__') return malformed('label key');
    labels[k] = buf.toString('utf8', valAt, o);
  }
  if (o !== macAt) return malformed('trailing bytes');

  const sentAt = buf.readUIntBE(W.OFF_SENT_AT, 6);
  const skew = opts?.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  if (sentAt < now - skew) return REJECT.stale;
  if (sentAt > now + skew) return REJECT.future;

  const beat: Beat = {
    hostId,
    bootId: bootIdHex(buf, W.OFF_BOOT_ID),
    seq: buf.readUInt32BE(W.OFF_SEQ),
    sentAt,
    intervalMs: buf.readUInt32BE(W.OFF_INTERVAL),
    goodbye: (flags & W.FLAG_GOODBYE) !== 0,
    uptimeSeconds: buf.readUInt32BE(W.OFF_UPTIME),
    load: [
      buf.readUInt32BE(W.OFF_LOAD) / 100,
      buf.readUInt32BE(W.OFF_LOAD + 4) / 100,
      buf.readUInt32BE(W.OFF_LOAD + 8) / 100,
    ],
    memTotalBytes: buf.readUIntBE(W.OFF_MEM_TOTAL, 6) * 1024,
    memAvailableBytes: buf.readUIntBE(W.OFF_MEM_AVAIL, 6) * 1024,
    diskTotalBytes: buf.readUIntBE(W.OFF_DISK_TOTAL, 6) * 1024,
    diskUsedBytes: buf.readUIntBE(W.OFF_DISK_USED, 6) * 1024,
    checks,
    labels,
  };
  return { ok: true, beat, keyId };
}
