import type { FastifyInstance } from 'fastify';

/**
 * The dashboard's Content-Security-Policy: it loads only its own files (scripts and
 * styles from files, never inline: no `unsafe-inline`), talks only to this server, and
 * may not be framed. `img-src data:` is for the inline SVG favicon.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Header name -> value, set on every response (pages, JSON, errors, the stream, /metrics). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * Adds the security headers to every response of `app`. Set on the raw Node response in
 * an `onRequest` hook, so 404s, errors and the hijacked SSE response (which writes its
 * own head) carry them too. Written by hand instead of `@fastify/helmet`: four fixed
 * headers do not need a dependency.
 */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_req, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.raw.setHeader(name, value);
  });
}
