import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The host part of a `Host` header, lower-cased, without port or IPv6 brackets and without
 * a trailing dot; undefined when the header is malformed.
 */
export function hostOf(header: string): string | undefined {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return h.slice(1, end);
  }
  const i = h.lastIndexOf(':');
  // More than one colon without brackets: a bare IPv6 literal (tolerated).
  if (i >= 0 && h.indexOf(':') !== i) return isIP(h) === 6 ? h : undefined;
  const name = i < 0 ? h : h.slice(0, i);
  if (i >= 0 && !/^\d{1,5}$/.test(h.slice(i + 1))) return undefined;
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * Decides which `Host` headers the API answers, against DNS rebinding (a web page whose
 * name suddenly resolves to 127.0.0.1 would otherwise reach a loopback dashboard with the
 * browser's help). Always allowed: IP literals, `localhost`, and the listen address; other
 * names only when listed in `http.allowed_hosts`. Pure: the hook below does the I/O.
 */
export function hostAllowed(
  header: string | undefined,
  listenHost: string,
  allowed: readonly string[],
): boolean {
  // HTTP/1.0 clients may omit Host; browsers (the rebinding vector) always send it.
  if (header === undefined || header === '') return true;
  const host = hostOf(header);
  if (host === undefined) return false;
  if (isIP(host) !== 0 || host === 'localhost') return true;
  const listen = listenHost.toLowerCase().replace(/\.$/, '');
  if (host === listen) return true;
  return allowed.some((a) => a.toLowerCase().replace(/\.$/, '') === host);
}

/** An `onRequest` hook answering 421 to a request whose `Host` is not allowed. */
export function hostGuard(listenHost: string, allowed: readonly string[]) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = req.headers.host;
    if (hostAllowed(header, listenHost, allowed)) return;
    const shown = JSON.stringify(String(header).slice(0, 100));
    await reply.code(421).send({
      error: `host ${shown} is not allowed: this server answers IP addresses, localhost and its listen address; add the name to http.allowed_hosts to serve it`,
      statusCode: 421,
    });
  };
}
