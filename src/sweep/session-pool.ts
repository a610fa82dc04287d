/**
 * Kept connections for repeated sweeps (`--every`): the first round logs in, later rounds
 * only open a channel and exec over the same connection (no TCP, key exchange or login:
 * several times cheaper for both sides). A connection that dropped between rounds, or
 * that fails mid-exec, is replaced by a fresh one within the same host deadline.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from 'ssh2';
import { systemClock } from '../util/clock.js';
import { classifyError, ProbeError } from './classify.js';
import { failure, openClient, type ProbeOptions, resultFromOutput, runCommand } from './probe.js';
import type { SweepResult, SweepTarget } from './types.js';
import { PROBE_COMMAND } from './uptime-parse.js';

export class SessionPool {
  private readonly clients = new Map<string, Client>();
  private reconnects = 0;

  constructor(private readonly opts: ProbeOptions) {}

  /** Connections currently kept. */
  get size(): number {
    return this.clients.size;
  }

  /** Fresh connections made after the first one for a host (drops noticed). */
  get reconnectCount(): number {
    return this.reconnects;
  }

  /** Probes over the host's kept connection, connecting when there is none. Never rejects. */
  async probe(target: SweepTarget): Promise<SweepResult> {
    const clock = this.opts.clock ?? systemClock;
    const t0 = performance.now();
    const deadline = t0 + this.opts.timeoutMs;
    const command = this.opts.command ?? PROBE_COMMAND;
    try {
      const kept = this.clients.get(target.spec);
      if (kept) {
        try {
          const out = await runCommand(kept, command, deadline, this.opts.timeoutMs);
          return resultFromOutput(target, out, clock.now(), Math.round(performance.now() - t0));
        } catch (err) {
          this.drop(target.spec, kept);
          const c = classifyError(err);
          // A timeout used the host's whole budget; anything else: the connection went
          // away under us (or refuses channels) and a fresh one may still answer in time.
          if (c.errorClass === 'timeout') throw c;
          this.reconnects++;
        }
      } else if (this.seen.has(target.spec)) {
        this.reconnects++;
      }
      this.seen.add(target.spec);
      const client = await openClient(target, { ...this.opts }, deadline);
      this.keep(target.spec, client);
      const out = await runCommand(client, command, deadline, this.opts.timeoutMs);
      return resultFromOutput(target, out, clock.now(), Math.round(performance.now() - t0));
    } catch (err) {
      const c = err instanceof ProbeError ? err : classifyError(err);
      const kept = this.clients.get(target.spec);
      if (kept) this.drop(target.spec, kept);
      return failure(target, c, clock.now(), Math.round(performance.now() - t0));
    }
  }

  private readonly seen = new Set<string>();

  private keep(spec: string, client: Client): void {
    this.clients.set(spec, client);
    client.once('close', () => {
      if (this.clients.get(spec) === client) this.clients.delete(spec);
    });
  }

  private drop(spec: string, client: Client): void {
    if (this.clients.get(spec) === client) this.clients.delete(spec);
    client.on('error', () => {});
    client.destroy();
  }

  /** Closes every kept connection. */
  close(): void {
    for (const [spec, c] of this.clients) {
      this.clients.delete(spec);
      c.on('error', () => {});
      c.end();
    }
  }
}
