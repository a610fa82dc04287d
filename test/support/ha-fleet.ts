/**
 * Simulated hosts for the HA tests: many host ids beating from one UDP socket with the real
 * protocol encoder, each host to its own subset of the monitors (cheaper than one agent
 * process per host on a 2-core machine).
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { encodeBeat } from '../../src/protocol/index.js';
import type { Key } from '../../src/protocol/types.js';

interface FleetHost {
  bootId: string;
  seq: number;
  beating: boolean;
  /** Indices of the monitors this host sends to. */
  to: number[];
}

/**
 * Simulated hosts: real signed beats over loopback UDP from one socket, every `intervalMs`,
 * each host to its own subset of the monitors (an agent with several `--to`).
 */
export class HaFleet {
  private readonly hosts = new Map<string, FleetHost>();
  private readonly socket: Socket = createSocket('udp4');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ports: () => number[],
    private readonly key: Key,
    readonly intervalMs: number,
  ) {}

  /** Adds hosts sending to the monitors `to` (indices; default: all) and beats them once. */
  add(ids: readonly string[], to?: readonly number[]): void {
    const all = this.ports().map((_, i) => i);
    for (const id of ids) {
      this.hosts.set(id, {
        bootId: randomBytes(8).toString('hex'),
        seq: 0,
        beating: true,
        to: [...(to ?? all)],
      });
      this.beat(id);
    }
    if (this.timer === undefined) this.timer = setInterval(() => this.beatAll(), this.intervalMs);
  }

  /** Stops beating (the host crashes: no goodbye). */
  kill(ids: readonly string[]): void {
    for (const id of ids) this.must(id).beating = false;
  }

  /** Beats again (same boot: the host's network came back). */
  resume(ids: readonly string[]): void {
    for (const id of ids) {
      this.must(id).beating = true;
      this.beat(id);
    }
  }

  /** Sends these hosts' beats only to the monitors `to` from now on (a partial cut). */
  route(ids: readonly string[], to: readonly number[]): void {
    for (const id of ids) this.must(id).to = [...to];
  }

  ids(): string[] {
    return [...this.hosts.keys()];
  }

  beating(): string[] {
    return [...this.hosts].filter(([, h]) => h.beating).map(([id]) => id);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.socket.close();
  }

  private must(id: string): FleetHost {
    const h = this.hosts.get(id);
    if (h === undefined) throw new Error(`unknown simulated host ${id}`);
    return h;
  }

  private beatAll(): void {
    for (const [id, h] of this.hosts) if (h.beating) this.beat(id);
  }

  private beat(id: string): void {
    const h = this.must(id);
    h.seq++;
    const buf = encodeBeat(
      {
        hostId: id,
        bootId: h.bootId,
        seq: h.seq,
        sentAt: Date.now(),
        intervalMs: this.intervalMs,
        goodbye: false,
        uptimeSeconds: 1000 + h.seq,
        load: [0.1, 0.1, 0.1],
        memTotalBytes: 1024,
        memAvailableBytes: 512,
        diskTotalBytes: 1024,
        diskUsedBytes: 1,
        checks: [],
        labels: {},
      },
      this.key,
    );
    const ports = this.ports();
    for (const i of h.to) {
      const port = ports[i];
      if (port !== undefined) this.socket.send(buf, port, '127.0.0.1');
    }
  }
}
