/**
 * Redaction of configuration values for `--print-config`, `check-config` and messages.
 * Secrets are recognised by key name (so every area gets it without opting in) and URLs
 * lose everything that can carry a token (userinfo, path, query): a Slack or healthchecks
 * URL is itself the secret.
 */

const SECRET_KEY =
  /(^|_)(secret|secrets|token|tokens|password|passwd|pass|api_key|apikey|private_key|auth|authorization|credentials?|key|keys|cookie|signature|webhook)$/i;

/** Placeholder shown instead of a secret value. */
export const REDACTED = '<redacted>';

/**
 * True for keys whose values are secrets: `secret`, `token`, `password`, `api_key`,
 * `bot_token`, `keys`, `headers`-style maps are handled by the caller. `*_file` keys hold
 * paths, not secrets, and are shown.
 */
export function isSecretKey(key: string): boolean {
  if (/_(file|path|dir|id|ids)$/i.test(key)) return false;
  return SECRET_KEY.test(key);
}

/** Keys whose every nested value is secret (HTTP headers carry `Authorization`). */
function isSecretContainer(key: string): boolean {
  return /^(headers|env|environment|secrets|keys)$/i.test(key);
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i;

/**
 * Shows a URL as `scheme://host:port/…` (userinfo replaced, path and query elided), so a
 * webhook URL with a token in its path never appears in full. Non-URLs are returned as is.
 */
export function redactUrl(value: string): string {
  if (!URL_LIKE.test(value)) return value;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return REDACTED;
  }
  const user = u.username || u.password ? '***@' : '';
  const hasMore = (u.pathname !== '' && u.pathname !== '/') || u.search !== '' || u.hash !== '';
  return `${u.protocol}//${user}${u.host}${hasMore ? '/…' : u.pathname}`;
}

/** A deep copy of `value` with secrets replaced by {@link REDACTED} and URLs shortened. */
export function redactConfig<T>(value: T): T {
  return redactAt(value, undefined, false) as T;
}

function redactAt(value: unknown, key: string | undefined, secret: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => redactAt(v, key, secret));
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [k, redactAt(v, String(k), secret || isSecretKey(String(k)))]));
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    const inherited = secret || (key !== undefined && isSecretContainer(key));
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: redactAt(v, k, inherited || isSecretKey(k)),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (value === undefined || value === null) return value;
  if (secret) return REDACTED;
  if (typeof value === 'string') return redactUrl(value);
  return value;
}
