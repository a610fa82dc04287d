import { NotifyError } from './errors.js';

/**
 * The one HTTP helper every HTTP notifier uses, so that a timeout, status classification
 * and secret redaction are never opt-in (Uptime Kuma's lesson: only one of its ~100
 * providers set a timeout). Built on Node's global fetch.
 */

/** The subset of a pino logger the notifiers use; pino's `Logger` satisfies it. */
export interface NotifyLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** A logger that drops everything. */
export const silentLogger: NotifyLogger = { debug() {}, warn() {} };

export interface PostOptions {
  /** Whole-attempt budget: connect, send, and read the response body. */
  timeoutMs: number;
  headers?: Record<string, string>;
  /** The dispatcher's cancellation (shutdown); becomes a retryable `aborted` error. */
  signal?: AbortSignal;
  /**
   * Secret strings (tokens, passwords, webhook URLs) that must never appear in an error
   * message or a log line. The URL's path, query and credentials and the values of
   * `authorization`-like headers are added automatically.
   */
  redact?: string[];
  /** Show the URL path in messages (for fixed API paths such as `/api/v2/alerts`). Default false. */
  showPath?: boolean;
  logger?: NotifyLogger;
  /** HTTP method; default POST. */
  method?: 'POST' | 'PUT';
  /** Reads a provider-specific retry hint from a 429/5xx body (e.g. Telegram's `retry_after`). */
  retryAfterFromBody?: (body: string) => number | undefined;
  /** Current time for HTTP-date `Retry-After` values; default `Date.now`. */
  now?: () => number;
}

/** A 2xx answer. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The body as text, at most {@link MAX_BODY} characters. */
  text: string;
}

/** Longest response body kept; providers answer with a few hundred bytes at most. */
export const MAX_BODY = 64 * 1024;
/** Longest body excerpt put into an error message. */
const SNIPPET = 200;
const SECRET_HEADER = /authorization|token|secret|key|password|signature|cookie/i;

/**
 * Sends `body` as JSON once. Resolves on 2xx; otherwise throws a {@link NotifyError}:
 * 429 (`http-429`), 5xx (`http-5xx`), network and timeout are retryable, other statuses
 * (`http-4xx`; redirects, which are not followed, as `http-3xx`) are permanent. `Retry-After`
 * is read on 429 and 5xx.
 */
export function postJson(url: string, body: unknown, opts: PostOptions): Promise<HttpResponse> {
  return sendHttp(url, JSON.stringify(body), { 'content-type': 'application/json', ...opts.headers }, opts);
}

/** Like {@link postJson} with a ready-made body (form data, plain text). */
export async function sendHttp(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: PostOptions,
): Promise<HttpResponse> {
  // Built only when a message needs it: the success path pays nothing for redaction.
  const scrub = (text: string) => redactor([...(opts.redact ?? []), ...secretsOf(url, headers)])(text);
  const where = describeUrl(url, opts.showPath ?? false);
  const method = opts.method ?? 'POST';
  const logger = opts.logger ?? silentLogger;
  const started = Date.now();
  if (where === undefined) {
    throw new NotifyError('invalid URL (expected http:// or https://)', {
      reason: 'config',
      retryable: false,
    });
  }
  const label = `${method} ${where}`;
  if (opts.signal?.aborted) {
    throw new NotifyError(`${label}: aborted before sending`, { reason: 'aborted', retryable: true });
  }
  // One controller per attempt, aborted by our timer or the caller's signal; both are
  // detached in `finally` (AbortSignal.any on Node 20 keeps composites alive on a
  // long-lived parent signal, which a dispatcher's shutdown signal is).
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, opts.timeoutMs);
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method,
      body,
      headers: { 'user-agent': 'thump', ...headers },
      signal: ac.signal,
      // Never follow: a redirect would carry tokens in headers (Access-Token, X-Gotify-Key)
      // to wherever the Location points. The error says to configure the final URL.
      redirect: 'manual',
    });
    text = await readText(res);
  } catch (err) {
    const ms = Date.now() - started;
    let e: NotifyError;
    if (timedOut) {
      e = new NotifyError(`${label}: timed out after ${opts.timeoutMs} ms`, {
        reason: 'timeout',
        retryable: true,
      });
    } else if (opts.signal?.aborted) {
      e = new NotifyError(`${label}: aborted`, { reason: 'aborted', retryable: true });
    } else {
      e = new NotifyError(`${label}: network error (${scrub(networkCode(err))})`, {
        reason: 'network',
        retryable: true,
      });
    }
    logger.debug({ url: where, ms, reason: e.reason }, 'notify http request failed');
    throw e;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const ms = Date.now() - started;
  logger.debug({ url: where, status: res.status, ms }, 'notify http request');
  if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, text };

  if (res.status >= 300 && res.status < 400) {
    const to = describeUrl(new URL(res.headers.get('location') ?? '/', url).href, false) ?? 'elsewhere';
    throw new NotifyError(
      `${label}: HTTP ${res.status} redirect to ${to} not followed; configure the final URL`,
      { reason: 'http-3xx', retryable: false, status: res.status },
    );
  }
  const snippet = scrub(text.replace(/\s+/g, ' ').trim().slice(0, SNIPPET));
  const message = `${label}: HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`;
  const retryable = res.status === 429 || res.status >= 500;
  const reason = res.status === 429 ? 'http-429' : res.status >= 500 ? 'http-5xx' : 'http-4xx';
  let retryAfterMs: number | undefined;
  if (retryable) {
    retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), (opts.now ?? Date.now)());
    retryAfterMs ??= opts.retryAfterFromBody?.(text);
  }
  throw new NotifyError(message, {
    reason,
    retryable,
    status: res.status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Reads at most {@link MAX_BODY} characters of a response body. */
async function readText(res: Response): Promise<string> {
  if (!res.body) return '';
  const decoder = new TextDecoder();
  let out = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    out += decoder.decode(chunk, { stream: true });
    if (out.length >= MAX_BODY) {
      // Stop reading; cancelling the rest releases the connection.
      await res.body.cancel().catch(() => {});
      return out.slice(0, MAX_BODY);
    }
  }
  return out + decoder.decode();
}

/**
 * A short reason for a fetch failure: the error code (`ECONNREFUSED`, `UND_ERR_SOCKET`...)
 * or else the innermost cause's message (`bad port`); the caller redacts it.
 */
function networkCode(err: unknown): string {
  let e: unknown = err;
  let innermost = 'fetch failed';
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const msg = (e as { message?: unknown }).message;
    if (typeof msg === 'string' && msg !== '') innermost = msg.slice(0, 120);
    e = (e as { cause?: unknown }).cause;
  }
  return innermost;
}

/**
 * Parses an HTTP `Retry-After` header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns milliseconds from `now`, never negative; `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  // An HTTP-date names its day and month; this also keeps Date.parse from reading "-5" as a year.
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * What a URL may show in messages: scheme, host and port, plus the path only when
 * `showPath` (webhook URLs carry their secret in the path, Telegram its bot token).
 * `undefined` for URLs fetch cannot or must not use.
 */
export function describeUrl(url: string, showPath: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  const hidden = u.pathname !== '/' || u.search !== '';
  const path = showPath ? u.pathname : hidden ? '/…' : '';
  return `${u.protocol}//${u.host}${path}`;
}

/** Secrets implied by a request: URL path/query/credentials and credential-like header values. */
function secretsOf(url: string, headers: Record<string, string>): string[] {
  const out: string[] = [url];
  try {
    const u = new URL(url);
    if (u.pathname.length > 1) out.push(u.pathname, u.pathname.slice(1));
    if (u.search) out.push(u.search.slice(1));
    for (const v of u.searchParams.values()) out.push(v);
    if (u.username) out.push(decodeURIComponent(u.username));
    if (u.password) out.push(decodeURIComponent(u.password));
  } catch {
    // An invalid URL is reported without any of its text.
  }
  for (const [k, v] of Object.entries(headers)) {
    if (!SECRET_HEADER.test(k)) continue;
    out.push(v);
    const sp = v.indexOf(' ');
    if (sp > 0) out.push(v.slice(sp + 1));
  }
  return out;
}

/** Shortest secret that is redacted; shorter strings would shred ordinary text. */
const MIN_SECRET = 4;

/**
 * Returns a function that replaces every occurrence of each secret (and its URL-encoded
 * form) with `[redacted]`. Longest first, so a URL is removed whole before its parts.
 */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const set = new Set<string>();
  for (const s of secrets) {
    if (s === undefined || s.length < MIN_SECRET) continue;
    set.add(s);
    const enc = encodeURIComponent(s);
    if (enc !== s) set.add(enc);
  }
  const list = [...set].sort((a, b) => b.length - a.length);
  return (text) => {
    let t = text;
    for (const s of list) t = t.split(s).join('[redacted]');
    // A secret can re-form across a replacement's edges (or be part of "[redacted]"
    // itself); then the text is withheld rather than risked.
    return list.some((s) => t.includes(s)) ? '[text withheld: it contained a secret]' : t;
  };
}
