import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** Where beats go. Parsed once from flags/config; names are resolved at send time. */
export interface Destination {
  kind: 'unicast' | 'broadcast' | 'multicast';
  /** Name or IP literal (IPv6 without brackets, may carry a `%zone`). */
  host: string;
  port: number;
  /** How logs name it: `monitor.example.net:43278`, `[ff02::1%eth0]:43278`. */
  label: string;
}

function label(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Parses `HOST`, `HOST:PORT`, `[V6]:PORT`, `[V6]` or a bare IPv6 literal. `what` names the
 * flag or key in the UsageError.
 */
export function parseHostPort(
  spec: string,
  defaultPort: number,
  what: string,
): { host: string; port: number } {
  const s = spec.trim();
  let host = s;
  let portText: string | undefined;
  const br = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (br) {
    host = br[1] as string;
    portText = br[2];
  } else if ((s.match(/:/g) ?? []).length === 1) {
    const i = s.lastIndexOf(':');
    host = s.slice(0, i);
    portText = s.slice(i + 1);
  }
  if (host === '' || /\s/.test(host)) throw new UsageError(`${what}: "${spec}" is not HOST[:PORT]`);
  let port = defaultPort;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
    if (!(port >= 1 && port <= 65535)) throw new UsageError(`${what}: "${spec}" has no valid port (1-65535)`);
  }
  return { host, port };
}

/** True for 224.0.0.0/4 and ff00::/8. */
export function isMulticast(ip: string): boolean {
  const fam = isIP(ip.split('%')[0] as string);
  if (fam === 4) {
    const first = Number(ip.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return fam === 6 && /^ff/i.test(ip);
}

/** Builds the destination list from the agent's options; throws UsageError on bad input. */
export function buildDestinations(o: {
  to: readonly string[];
  broadcast?: string | undefined;
  multicast: readonly string[];
  port: number;
}): Destination[] {
  const out: Destination[] = [];
  for (const t of o.to) {
    const { host, port } = parseHostPort(t, o.port, '--to');
    out.push({ kind: 'unicast', host, port, label: label(host, port) });
  }
  if (o.broadcast !== undefined) {
    const { host, port } = parseHostPort(o.broadcast || '255.255.255.255', o.port, '--broadcast');
    if (isIP(host) !== 4)
      throw new UsageError(`--broadcast: "${o.broadcast}" must be an IPv4 address (broadcast is IPv4 only)`);
    out.push({ kind: 'broadcast', host, port, label: label(host, port) });
  }
  for (const g of o.multicast) {
    const { host, port } = parseHostPort(g, o.port, '--multicast');
    if (!isMulticast(host)) {
      throw new UsageError(`--multicast: "${g}" is not a multicast group (224.0.0.0/4 or ff00::/8)`);
    }
    out.push({ kind: 'multicast', host, port, label: label(host, port) });
  }
  return out;
}
