/**
 * One real `thump monitor` process slot of a {@link HaWorld} (./ha-world.ts): its ports,
 * `/healthz` and `/metrics` reads, and the shapes the HA tests read back.
 */
import type { Proc } from './proc.js';

/** What `/healthz` answers (the HA fields come with the wiring of issue 12). */
export interface Healthz {
  status: string;
  db: string;
  role?: 'active' | 'standby';
  monitorId?: string;
  epoch?: number;
  leader?: string | null;
  /** This monitor's own live view: hosts per state. */
  hosts?: Record<string, number>;
}

/** One webhook request, attributed to the monitor that sent it. */
export interface Delivery {
  /** Monitor id from the request path. */
  from: string;
  /** When the receiver got it (ms since epoch, the test's clock). */
  at: number;
  /** Payload `id` (the stable batch id; the same on every retry). */
  batchId: string;
  idempotencyKey: string | undefined;
  /** Payload title (self-alerts carry no events, only this). */
  title: string;
  events: Array<{ id: number; type: string; hostId: string }>;
}

/** One real `thump monitor` process slot (restartable). */
export class HaMonitor {
  proc: Proc | undefined;
  /** SIGSTOPped by the test. */
  paused = false;
  readonly api: string;
  constructor(
    readonly id: string,
    readonly udpPort: number,
    readonly httpPort: number,
    readonly configPath: string,
  ) {
    this.api = `http://127.0.0.1:${httpPort}`;
  }

  get alive(): boolean {
    return (
      this.proc !== undefined && this.proc.child.exitCode === null && this.proc.child.signalCode === null
    );
  }

  get pid(): number {
    const pid = this.proc?.child.pid;
    if (pid === undefined) throw new Error(`monitor ${this.id} is not running`);
    return pid;
  }

  /** `/healthz`, or undefined when it does not answer within `timeoutMs`. */
  async health(timeoutMs = 1500): Promise<Healthz | undefined> {
    if (!this.alive || this.paused) return undefined;
    try {
      const res = await fetch(`${this.api}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
      return (await res.json()) as Healthz;
    } catch {
      return undefined;
    }
  }

  /** Output of the current process (for failure messages). */
  output(): string {
    return `--- ${this.id} stdout (tail)\n${this.proc?.stdout().slice(-3000) ?? ''}\n--- stderr\n${this.proc?.stderr().slice(-1500) ?? ''}`;
  }

  /** The value of a metric line, e.g. `thump_ha_takeovers_total`, or undefined. */
  async metric(name: string): Promise<number | undefined> {
    const res = await fetch(`${this.api}/metrics`, { signal: AbortSignal.timeout(3000) });
    const text = await res.text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  }
}
