import { isIP } from 'node:net';
import { UsageError } from '../errors.js';

/** Default UDP port, the classic PyHeartBeat port. */
export const DEFAULT_UDP_PORT = 43278;

/** One UDP listen address. */
export interface UdpListen {
  host: string;
  port: number;
  family: 4 | 6;
}

/**
 * Parses `PORT`, `ADDR:PORT`, `[V6ADDR]:PORT` (or a bare address, default port). A bare port
 * means every IPv4 address. `what` names the flag or key in the error.
 */
export function parseUdpListen(text: string, what = '--udp'): UdpListen {
  const s = text.trim();
  const bad = () =>
    new UsageError(`${what}: "${text}" is not a UDP listen address; use PORT, ADDR:PORT or [V6ADDR]:PORT`);
  const port = (p: string) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 0 || n > 65535) throw bad();
    return n;
  };
  if (/^\d+$/.test(s)) return { host: '0.0.0.0', port: port(s), family: 4 };
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    if (isIP(v6[1] as string) !== 6) throw bad();
    return { host: v6[1] as string, port: v6[2] ? port(v6[2]) : DEFAULT_UDP_PORT, family: 6 };
  }
  const v4 = /^([^:]+)(?::(\d+))?$/.exec(s);
  if (v4 && isIP(v4[1] as string) === 4) {
    return { host: v4[1] as string, port: v4[2] ? port(v4[2]) : DEFAULT_UDP_PORT, family: 4 };
  }
  if (isIP(s) === 6) return { host: s, port: DEFAULT_UDP_PORT, family: 6 };
  throw bad();
}

/**
 * Parses a multicast spec: `GROUP` (joined on the default interface) or `GROUP@IFACE`, where
 * IFACE is the local interface address to join on (`239.1.2.3@10.0.0.5`, `ff15::1@::%eth0`).
 */
export function parseMulticast(spec: string, what = '--multicast'): { group: string; iface?: string } {
  const at = spec.indexOf('@');
  const group = at < 0 ? spec.trim() : spec.slice(0, at).trim();
  const iface = at < 0 ? undefined : spec.slice(at + 1).trim();
  const fam = isIP(group);
  const first = fam === 4 ? Number(group.split('.')[0]) : -1;
  const multicast =
    fam === 4 ? first >= 224 && first <= 239 : fam === 6 && group.toLowerCase().startsWith('ff');
  if (!multicast || iface === '') {
    throw new UsageError(
      `${what}: "${spec}" is not a multicast group; use GROUP or GROUP@INTERFACE_ADDRESS, e.g. 239.255.43.78`,
    );
  }
  return iface === undefined ? { group } : { group, iface };
}

/** Formats a listen address back (`0.0.0.0:43278`, `[::]:43278`). */
export function formatListen(l: { host: string; port: number; family: 4 | 6 }): string {
  return l.family === 6 ? `[${l.host}]:${l.port}` : `${l.host}:${l.port}`;
}
