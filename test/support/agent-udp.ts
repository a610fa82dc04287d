import { createSocket, type Socket } from 'node:dgram';
import { decodeBeat, type Keyring } from '../../src/protocol/index.js';
import type { Beat } from '../../src/protocol/types.js';

/** One datagram as a test receiver saw it. */
export interface Received {
  at: number;
  bytes: Buffer;
  from: string;
}

/** A loopback UDP socket that records every datagram, standing in for a monitor. */
export interface UdpCollector {
  port: number;
  received: Received[];
  /** Every datagram decoded with `ring`; throws if any fails verification. */
  beats(ring: Keyring): Beat[];
  close(): Promise<void>;
}

/**
 * Binds a collector on a kernel-chosen port of `address` (127.0.0.1, ::1, or the loopback
 * broadcast address 127.255.255.255). With `group`, binds the group address itself (never the
 * wildcard) and joins that IPv4 multicast group on the loopback interface `address`.
 * Fails (rejects) with the reason when the socket cannot be bound.
 */
export function startUdpCollector(address = '127.0.0.1', group?: string): Promise<UdpCollector> {
  const family = address.includes(':') ? 'udp6' : 'udp4';
  const sock: Socket = createSocket({ type: family, reuseAddr: group !== undefined });
  const received: Received[] = [];
  sock.on('message', (bytes, rinfo) =>
    received.push({ at: Date.now(), bytes, from: `${rinfo.address}:${rinfo.port}` }),
  );
  return new Promise((resolve, reject) => {
    sock.once('error', (err) => reject(new Error(`cannot bind UDP collector on ${address}: ${err.message}`)));
    sock.bind({ port: 0, address: group ?? address }, () => {
      if (group !== undefined) sock.addMembership(group, address);
      resolve({
        port: sock.address().port,
        received,
        beats(ring) {
          return received.map((r, i) => {
            const d = decodeBeat(r.bytes, ring, Date.now());
            if (!d.ok) throw new Error(`datagram ${i} from ${r.from} rejected: ${d.reason}`);
            return d.beat;
          });
        },
        close: () => new Promise<void>((res) => sock.close(() => res())),
      });
    });
  });
}
