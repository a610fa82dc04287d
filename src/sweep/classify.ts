import type { SweepErrorClass } from './types.js';

/** A probe failure with its class, as carried inside the probe until it becomes a result. */
export class ProbeError extends Error {
  constructor(
    readonly errorClass: SweepErrorClass,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const UNREACHABLE_CODES = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT',
]);

/**
 * Maps an error from the socket or ssh2 to a sweep error class. Pure: looks only at
 * `code`, ssh2's `level` and the message. `handshakeDone` tells a connection dropped
 * during key exchange (protocol) from one dropped later.
 */
export function classifyError(err: unknown): ProbeError {
  if (err instanceof ProbeError) return err;
  const e = err as { code?: unknown; level?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const level = typeof e?.level === 'string' ? e.level : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (level === 'client-dns' || (code && DNS_CODES.has(code))) {
    return new ProbeError('dns', `name lookup failed (${code ?? 'dns'}): ${message}`);
  }
  if (code === 'ECONNREFUSED') return new ProbeError('refused', `connection refused: ${message}`);
  if (code && UNREACHABLE_CODES.has(code))
    return new ProbeError('unreachable', `unreachable (${code}): ${message}`);
  if (code === 'ETIMEDOUT' || level === 'client-timeout') return new ProbeError('timeout', message);
  if (level === 'client-authentication' || level === 'agent') {
    return new ProbeError('auth', `authentication failed: ${message}`);
  }
  if (/host denied|no matching host key|host key/i.test(message)) return new ProbeError('host-key', message);
  return new ProbeError('protocol', message);
}
