import { UsageError } from '../errors.js';
import { hmacFor } from './hmac.js';
import type { Beat, CheckResult, Key } from './types.js';
import * as W from './wire.js';

const BOOT_ID = /^[0-9a-f]{16}$/i;
const LABEL_KEY = /^[A-Za-z0-9_.\-/]{1,32}$/;

/** Cuts UTF-8 bytes to at most `max` without splitting a character. */
export function truncateUtf8(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let cut = max;
  // A continuation byte (10xxxxxx) at the cut means a character straddles it: back off.
  while (cut > 0 && ((bytes[cut] as number) & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut);
}

/** Clamps a measured value into an unsigned field: NaN/negative -> 0, too large -> max. */
function clampU(x: number, max: number): number {
  if (!(x > 0)) return 0;
  return x >= max ? max : Math.floor(x);
}

interface Part {
  bytes: Buffer;
}
interface CheckPart {
  id: Buffer;
  severity: number;
  text: Buffer;
  /** Position in the beat: the tie-breaker when checks must be dropped. */
  index: number;
}
interface LabelPart {
  key: Buffer;
  value: Buffer;
}

/**
 * Largest cap C with sum(min(len_i, C)) <= budget ("water filling"): long texts are cut
 * first and short ones kept whole. Deterministic for a given input.
 */
function waterLevel(lengths: number[], budget: number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let left = budget;
  for (let i = 0; i < sorted.length; i++) {
    const remaining = sorted.length - i;
    const L = sorted[i] as number;
    if (L * remaining > left) return Math.floor(left / remaining);
    left -= L;
  }
  return Number.MAX_SAFE_INTEGER;
}

/** Drop order when texts alone cannot make room: OK first, then UNKNOWN, WARNING, CRITICAL. */
const KEEP_RANK = [0, 2, 3, 1];

function size(hostLen: number, checks: CheckPart[], labels: LabelPart[]): number {
  let n = W.HEADER_LEN + 1 + hostLen + W.MAC_LEN;
  for (const c of checks) n += 3 + c.id.length + c.text.length;
  for (const l of labels) n += 2 + l.key.length + l.value.length;
  return n;
}

/**
 * Encodes and authenticates one beat (wire protocol v1, docs/protocol.md).
 *
 * Measurements are clamped into their fields (memory and disk in KiB, load in hundredths).
 * The result never exceeds 512 bytes: when checks and labels do not fit, check texts are cut
 * (longest first, at UTF-8 boundaries), then label values, then the least severe checks and
 * finally the last labels are dropped, deterministically. Throws a UsageError for values no
 * datagram can carry (empty or > 64-byte host id, malformed boot id, bad label key).
 */
export function encodeBeat(beat: Beat, key: Key): Buffer {
  const host = Buffer.from(beat.hostId, 'utf8');
  if (host.length < 1 || host.length > W.MAX_HOST_ID) {
    throw new UsageError(`host id must be 1 to ${W.MAX_HOST_ID} bytes of UTF-8, got ${host.length}`);
  }
  if (!BOOT_ID.test(beat.bootId)) throw new UsageError('boot id must be 16 hex characters');
  if (!Number.isInteger(beat.seq) || beat.seq < 0 || beat.seq > W.MAX_U32) {
    throw new UsageError(`sequence number must be an integer 0..${W.MAX_U32}`);
  }
  if (!Number.isInteger(key.id) || key.id < 0 || key.id > 0xffff)
    throw new UsageError('key id must be 0..65535');

  let checks: CheckPart[] = beat.checks.slice(0, 255).map((c: CheckResult, index) => {
    const id = truncateUtf8(Buffer.from(c.id, 'utf8'), W.MAX_CHECK_ID);
    return {
      id: id.length > 0 ? id : Buffer.from('?'),
      severity: c.severity >= 0 && c.severity <= 3 ? c.severity : 3,
      text: truncateUtf8(Buffer.from(c.text, 'utf8'), W.MAX_TEXT),
      index,
    };
  });
  let labels: LabelPart[] = [];
  for (const [k, v] of Object.entries(beat.labels)) {
    if (!LABEL_KEY.test(k) || k === '__proto__') {
      throw new UsageError(`label key ${JSON.stringify(k)} must be 1-32 characters of A-Z a-z 0-9 _ . - /`);
    }
    labels.push({ key: Buffer.from(k, 'latin1'), value: truncateUtf8(Buffer.from(v, 'utf8'), W.MAX_TEXT) });
  }
  labels = labels.slice(0, 255);

  let total = size(host.length, checks, labels);
  if (total > W.MAX_DATAGRAM) {
    // 1. Cut check texts, longest first.
    const textSum = checks.reduce((n, c) => n + c.text.length, 0);
    const cap = waterLevel(
      checks.map((c) => c.text.length),
      Math.max(0, textSum - (total - W.MAX_DATAGRAM)),
    );
    for (const c of checks) c.text = truncateUtf8(c.text, cap);
    total = size(host.length, checks, labels);
  }
  if (total > W.MAX_DATAGRAM) {
    // 2. Cut label values the same way.
    const valSum = labels.reduce((n, l) => n + l.value.length, 0);
    const cap = waterLevel(
      labels.map((l) => l.value.length),
      Math.max(0, valSum - (total - W.MAX_DATAGRAM)),
    );
    for (const l of labels) l.value = truncateUtf8(l.value, cap);
    total = size(host.length, checks, labels);
  }
  if (total > W.MAX_DATAGRAM) {
    // 3. Drop the least important checks (OK first; later ones first among equals).
    const byImportance = [...checks].sort(
      (a, b) => (KEEP_RANK[a.severity] as number) - (KEEP_RANK[b.severity] as number) || b.index - a.index,
    );
    const dropped = new Set<CheckPart>();
    for (const c of byImportance) {
      if (total <= W.MAX_DATAGRAM) break;
      dropped.add(c);
      total -= 3 + c.id.length + c.text.length;
    }
    checks = checks.filter((c) => !dropped.has(c));
  }
  while (total > W.MAX_DATAGRAM && labels.length > 0) {
    // 4. Drop the last labels.
    const l = labels.pop() as LabelPart;
    total -= 2 + l.key.length + l.value.length;
  }

  const buf = Buffer.allocUnsafe(total);
  buf.writeUInt32BE(W.MAGIC, W.OFF_MAGIC);
  buf[W.OFF_VERSION] = W.VERSION;
  buf[W.OFF_FLAGS] = beat.goodbye ? W.FLAG_GOODBYE : 0;
  buf.writeUInt16BE(key.id, W.OFF_KEY_ID);
  buf.write(beat.bootId, W.OFF_BOOT_ID, 8, 'hex');
  buf.writeUInt32BE(beat.seq, W.OFF_SEQ);
  buf.writeUIntBE(clampU(beat.sentAt, W.MAX_U48), W.OFF_SENT_AT, 6);
  buf.writeUInt32BE(clampU(beat.intervalMs, W.MAX_U32), W.OFF_INTERVAL);
  buf.writeUInt32BE(clampU(beat.uptimeSeconds, W.MAX_U32), W.OFF_UPTIME);
  for (let i = 0; i < 3; i++) {
    buf.writeUInt32BE(clampU(Math.round((beat.load[i] ?? 0) * 100), W.MAX_U32), W.OFF_LOAD + 4 * i);
  }
  buf.writeUIntBE(clampU(beat.memTotalBytes / 1024, W.MAX_U48), W.OFF_MEM_TOTAL, 6);
  buf.writeUIntBE(clampU(beat.memAvailableBytes / 1024, W.MAX_U48), W.OFF_MEM_AVAIL, 6);
  buf.writeUIntBE(clampU(beat.diskTotalBytes / 1024, W.MAX_U48), W.OFF_DISK_TOTAL, 6);
  buf.writeUIntBE(clampU(beat.diskUsedBytes / 1024, W.MAX_U48), W.OFF_DISK_USED, 6);
  buf[W.OFF_N_CHECKS] = checks.length;
  buf[W.OFF_N_LABELS] = labels.length;
  let o = W.OFF_HOST_ID;
  o = putShort(buf, o, { bytes: host });
  for (const c of checks) {
    o = putShort(buf, o, { bytes: c.id });
    buf[o++] = c.severity;
    o = putShort(buf, o, { bytes: c.text });
  }
  for (const l of labels) {
    o = putShort(buf, o, { bytes: l.key });
    o = putShort(buf, o, { bytes: l.value });
  }
  hmacFor(key.secret).digest(buf, o).copy(buf, o, 0, W.MAC_LEN);
  return buf;
}

/** Writes a u8 length and the bytes; returns the next offset. */
function putShort(buf: Buffer, o: number, p: Part): number {
  buf[o] = p.bytes.length;
  p.bytes.copy(buf, o + 1);
  return o + 1 + p.bytes.length;
}
