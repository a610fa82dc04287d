/** The classic unauthenticated PyHeartBeat payloads thump can accept for migration. */
export type LegacyKind = 'thump' | 'pyhb';

const THUMP = Buffer.from('Thump!');
const PYHB = Buffer.from('PyHB');

/**
 * Classifies a classic PyHeartBeat datagram: `Thump!` or `PyHB`, optionally followed by
 * trailing newline, space or NUL bytes (some senders add them). Returns undefined for anything
 * else. The sender's identity is its source IP, which only the receiver knows; accepting these
 * at all is the monitor's `--legacy` decision.
 */
export function decodeLegacy(buf: Buffer): LegacyKind | undefined {
  let end = buf.length;
  if (end > 16) return undefined;
  while (end > 0) {
    const b = buf[end - 1];
    if (b === 0x0a || b === 0x0d || b === 0x20 || b === 0x00) end--;
    else break;
  }
  if (end === THUMP.length && buf.compare(THUMP, 0, end, 0, end) === 0) return 'thump';
  if (end === PYHB.length && buf.compare(PYHB, 0, end, 0, end) === 0) return 'pyhb';
  return undefined;
}
