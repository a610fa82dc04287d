import { UsageError } from '../errors.js';

/**
 * Parses an `ADDR:PORT` listen address (`127.0.0.1:8080`, `[::1]:8080`, `:8080` = all
 * IPv4 interfaces, bare `8080` = loopback). `what` names the flag or key in errors.
 */
export function parseListen(text: string, what = 'http.listen'): { host: string; port: number } {
  const s = text.trim();
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(s);
  if (v6) {
    host = v6[1] as string;
    portText = v6[2] as string;
  } else if (/^\d+$/.test(s)) {
    host = '127.0.0.1';
    portText = s;
  } else {
    const i = s.lastIndexOf(':');
    if (i < 0 || s.indexOf(':') !== i)
      throw new UsageError(
        `${what}: expected ADDR:PORT such as 127.0.0.1:8080 or [::1]:8080, got ${JSON.stringify(text)}`,
      );
    host = s.slice(0, i) || '0.0.0.0';
    portText = s.slice(i + 1);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`${what}: expected a port between 0 and 65535, got ${JSON.stringify(portText)}`);
  return { host, port };
}
