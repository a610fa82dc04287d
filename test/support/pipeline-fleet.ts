import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeBeat, generateSecret, keyFromSecret } from '../../src/protocol/index.js';
import type { CheckResult, Key } from '../../src/protocol/types.js';

/** Writes a fresh shared secret file (mode 0600) and returns its path and key. */
export function writeSecret(dir: string): { path: string; key: Key } {
  const secret = generateSecret();
  const path = join(dir, 'secret');
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return { path, key: keyFromSecret(secret) };
}

interface SimHost {
  bootId: string;
  seq: number;
  beating: boolean;
  checks: CheckResult[];
  labels: Record<string, string>;
}

/**
 * Simulated agents: real signed beats over loopback UDP for many host ids from one socket,
 * every `intervalMs`. Tests stop and resume hosts to make them go down and come back.
 */
export class BeatFleet {
  private readonly hosts = new Map<string, SimHost>();
  private readonly socket: Socket = createSocket('udp4');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly port: number,
    private readonly key: Key,
    readonly intervalMs: number,
  ) {}

  add(ids: readonly string[], labels: Record<string, string> = {}): void {
    for (const id of ids) {
      this.hosts.set(id, {
        bootId: randomBytes(8).toString('hex'),
        seq: 0,
        beating: true,
        checks: [],
        labels,
      });
    }
  }

  start(): void {
    this.beatAll();
    this.timer = setInterval(() => this.beatAll(), this.intervalMs);
  }

  /** Stops beating (the host falls silent: a crash, not a goodbye). */
  silence(ids: readonly string[]): void {
    for (const id of ids) this.must(id).beating = false;
  }

  resume(ids: readonly string[]): void {
    for (const id of ids) this.must(id).beating = true;
    for (const id of ids) this.beat(id);
  }

  setChecks(id: string, checks: CheckResult[]): void {
    this.must(id).checks = checks;
    this.beat(id);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.socket.close();
  }

  private must(id: string): SimHost {
    const h = this.hosts.get(id);
    if (!h) throw new Error(`unknown simulated host ${id}`);
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
        uptimeSeconds: 1000,
        load: [0.1, 0.1, 0.1],
        memTotalBytes: 1024,
        memAvailableBytes: 512,
        diskTotalBytes: 1024,
        diskUsedBytes: 1,
        checks: h.checks,
        labels: h.labels,
      },
      this.key,
    );
    this.socket.send(buf, this.port, '127.0.0.1');
  }
}
