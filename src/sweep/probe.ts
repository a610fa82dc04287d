/**
 * The ssh probe (I/O edge): open a logged-in connection (ssh-open.ts: connect, host key,
 * handshake, login), run one command (exec), turn its output into a result (parse), and
 * always resolve with exactly one result. Timing uses absolute deadlines on the monotonic
 * clock: `connectTimeoutMs` bounds TCP connect plus the SSH handshake, `timeoutMs` the
 * whole exchange.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from 'ssh2';
import { systemClock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { classifyError, ProbeError } from './classify.js';
import { openClient, type ProbeOptions } from './ssh-open.js';
import type { SweepResult, SweepTarget } from './types.js';
import { PROBE_COMMAND, parseProbeOutput } from './uptime-parse.js';

export { type Identity, openClient, type ProbeAuth, type ProbeOptions } from './ssh-open.js';

/** Output of one remote command. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | undefined;
}

const MAX_OUTPUT = 64 * 1024;

/** The exec phase: runs `command` on a ready client; rejects with a classified ProbeError. */
export function runCommand(
  client: Client,
  command: string,
  deadline: number,
  timeoutMs: number,
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: ProbeError | undefined, out?: CommandOutput) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeListener('close', onClose);
      if (err) reject(err);
      else resolve(out as CommandOutput);
    };
    const onClose = () => finish(new ProbeError('protocol', 'connection closed while the command ran'));
    client.once('close', onClose);
    const timer = setTimeout(
      () =>
        finish(
          new ProbeError(
            'timeout',
            `command did not finish within the ${formatDuration(timeoutMs)} host timeout`,
          ),
        ),
      Math.max(0, deadline - performance.now()),
    );
    try {
      client.exec(command, (err, stream) => {
        if (err) return finish(new ProbeError('command', `cannot run command: ${err.message}`));
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => {
          if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
        });
        stream.stderr.on('data', (d: Buffer) => {
          if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
        });
        stream.on('close', (code: number | null, signal?: string) => {
          finish(undefined, { stdout, stderr, code: code ?? null, signal });
        });
      });
    } catch (err) {
      finish(new ProbeError('protocol', `cannot run command: ${(err as Error).message}`));
    }
  });
}

/** The parse phase: a command's output as the host's result (ok, or a `command` failure). */
export function resultFromOutput(
  target: SweepTarget,
  out: CommandOutput,
  at: number,
  durationMs: number,
): SweepResult {
  const parsed = parseProbeOutput(out.stdout);
  if ('error' in parsed) {
    const status = out.signal ? `killed by ${out.signal}` : `exit ${out.code ?? '?'}`;
    const err = out.stderr.trim().slice(0, 200);
    return failure(target, new ProbeError('command', `${status}: ${err || parsed.error}`), at, durationMs);
  }
  const ok: SweepResult = {
    status: 'ok',
    target: target.spec,
    host: target.host,
    at,
    durationMs,
    uptimeSeconds: parsed.uptimeSeconds,
    bootedAt: new Date(at - parsed.uptimeSeconds * 1000).toISOString(),
    load1: parsed.load1,
    load5: parsed.load5,
    load15: parsed.load15,
  };
  if (parsed.users !== undefined) ok.users = parsed.users;
  return ok;
}

/** Builds the failure result for a target. */
export function failure(target: SweepTarget, err: ProbeError, at: number, durationMs: number): SweepResult {
  return {
    status: 'error',
    target: target.spec,
    host: target.host,
    at,
    durationMs,
    errorClass: err.errorClass,
    message: err.message,
  };
}

/**
 * Probes one host over a fresh connection. Always resolves with exactly one result,
 * never rejects; the connection is closed before it resolves.
 */
export async function probeHost(target: SweepTarget, opts: ProbeOptions): Promise<SweepResult> {
  const clock = opts.clock ?? systemClock;
  const t0 = performance.now();
  const deadline = t0 + opts.timeoutMs;
  let client: Client | undefined;
  try {
    client = await openClient(target, opts, deadline);
    const out = await runCommand(client, opts.command ?? PROBE_COMMAND, deadline, opts.timeoutMs);
    return resultFromOutput(target, out, clock.now(), Math.round(performance.now() - t0));
  } catch (err) {
    return failure(target, classifyError(err), clock.now(), Math.round(performance.now() - t0));
  } finally {
    if (client) {
      const c = client;
      c.on('error', () => {});
      c.end();
      // A peer that never answers our close must not hold the socket (and an fd) forever.
      const t = setTimeout(() => c.destroy(), 5000);
      t.unref();
      c.once('close', () => clearTimeout(t));
    }
  }
}
