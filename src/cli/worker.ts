import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { type ProbeFlags, withSweepConfig } from '../sweep/flag-config.js';
import { createProbeOptions, type HostKeyMode, probeHost } from '../sweep/index.js';
import {
  DEFAULT_LOCK_DURATION_MS,
  DEFAULT_MAX_STALLED_COUNT,
  DEFAULT_STALLED_INTERVAL_MS,
  redactRedisUrl,
  runWorker,
} from '../sweep/queue/index.js';
import { parseDuration } from '../util/duration.js';
import { loadThumpConfigLazily } from './lazy-config.js';

interface WorkerFlags extends ProbeFlags {
  name?: string;
  lockDuration: string;
  stalledInterval: string;
  maxStalledCount: string;
  verbose?: boolean;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/**
 * While Redis is down BullMQ reports the same error on every reconnect attempt; print a
 * message when it changes, then at most once a minute.
 */
function quietRepeats(write: (msg: string) => void, everyMs = 60_000): (err: Error) => void {
  let last = '';
  let lastAt = 0;
  return (err) => {
    const now = Date.now();
    if (err.message === last && now - lastAt < everyMs) return;
    last = err.message;
    lastAt = now;
    write(err.message);
  };
}

function positiveInt(text: string, flag: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag}: "${text}" must be an integer >= ${min}`);
  return n;
}

/**
 * Registers `thump worker`: one member of a distributed sweep. It takes host jobs from
 * the BullMQ queue in Redis (any producer, any sweep), probes them over ssh with its own
 * keys and known_hosts, and records each result once. Runs until SIGTERM/SIGINT: the
 * first finishes the probes in flight, a second leaves them to other workers.
 */
export function register(program: Command): void {
  program
    .command('worker')
    .description('take hosts of distributed sweeps from Redis (thump sweep --redis) and probe them over ssh')
    .option(
      '--redis <url>',
      'redis:// or rediss:// URL (default: sweep.redis in thump.yaml or $THUMP_SWEEP__REDIS, which keep a password out of ps)',
    )
    .option(
      '--concurrency <n>',
      'hosts probed at the same time by this worker (default: sweep.concurrency, 100)',
    )
    .option(
      '-i, --identity <file>',
      'private key file (repeatable; default: ssh-agent, then ~/.ssh/id_*)',
      collect,
      [],
    )
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts)')
    .option('--accept-new', 'trust hosts seen for the first time and append them to known_hosts')
    .option('--insecure-ignore-host-keys', 'do not check host keys at all (warns)')
    .option(
      '--connect-timeout <duration>',
      'TCP + SSH handshake limit when the sweep sets none (default 10s)',
    )
    .option('--timeout <duration>', 'whole-exchange limit per host when the sweep sets none (default 30s)')
    .option('--config <file>', 'thump.yaml whose sweep: section gives defaults (default: THUMP_CONFIG)')
    .option('--name <name>', 'worker name in Redis (default hostname-pid)')
    .option(
      '--lock-duration <duration>',
      'a job whose worker stops renewing its lock this long is retried elsewhere',
      `${DEFAULT_LOCK_DURATION_MS / 1000}s`,
    )
    .option(
      '--stalled-interval <duration>',
      'how often this worker looks for jobs of dead workers',
      `${DEFAULT_STALLED_INTERVAL_MS / 1000}s`,
    )
    .option(
      '--max-stalled-count <n>',
      'times a host may be recovered from dead workers before it is reported as failed',
      String(DEFAULT_MAX_STALLED_COUNT),
    )
    .option('-v, --verbose', 'one line per host on stderr')
    .action(async (given: WorkerFlags) => {
      const flags = await withConfig(given);
      const redisUrl = flags.redis;
      if (!redisUrl) {
        throw new UsageError('--redis URL is required (or sweep.redis in thump.yaml, or THUMP_SWEEP__REDIS)');
      }
      const concurrency = positiveInt(flags.concurrency ?? '100', '--concurrency');
      const hostKeyMode: HostKeyMode = flags.insecureIgnoreHostKeys
        ? 'ignore'
        : flags.acceptNew
          ? 'accept-new'
          : 'strict';
      if (hostKeyMode === 'ignore') {
        process.stderr.write('thump: warning: host keys are not checked (--insecure-ignore-host-keys)\n');
      }
      const base = createProbeOptions({
        identityFiles: flags.identity,
        hostKeyMode,
        ...(flags.knownHosts === undefined ? {} : { knownHostsFile: flags.knownHosts }),
        connectTimeoutMs: parseDuration(flags.connectTimeout ?? '10s', '--connect-timeout'),
        timeoutMs: parseDuration(flags.timeout ?? '30s', '--timeout'),
      });
      const handle = await runWorker({
        redisUrl,
        concurrency,
        ...(flags.name === undefined ? {} : { name: flags.name }),
        lockDurationMs: parseDuration(flags.lockDuration, '--lock-duration'),
        stalledIntervalMs: parseDuration(flags.stalledInterval, '--stalled-interval'),
        maxStalledCount: positiveInt(flags.maxStalledCount, '--max-stalled-count', 0),
        probe: (target, t) =>
          probeHost(target, {
            ...base,
            connectTimeoutMs: t.connectTimeoutMs ?? base.connectTimeoutMs,
            timeoutMs: t.timeoutMs ?? base.timeoutMs,
          }),
        onJob: flags.verbose
          ? (e) => {
              const what =
                e.result === undefined
                  ? ''
                  : e.result.status === 'ok'
                    ? ' ok'
                    : ` ${e.result.errorClass}: ${e.result.message}`;
              process.stderr.write(`${e.sweepId} ${e.spec} ${e.outcome}${what}\n`);
            }
          : undefined,
        onError: quietRepeats((msg) => process.stderr.write(`thump worker: ${msg}\n`)),
      });
      process.stderr.write(
        `thump worker ${handle.name}: waiting for hosts on ${redactRedisUrl(redisUrl)} (concurrency ${concurrency})\n`,
      );
      await new Promise<void>((resolve) => {
        let signals = 0;
        const onSignal = (sig: NodeJS.Signals) => {
          signals++;
          const force = signals > 1;
          process.stderr.write(
            force
              ? `thump worker: ${sig} again, leaving hosts in flight to other workers\n`
              : `thump worker: ${sig}, finishing hosts in flight (send again to stop now)\n`,
          );
          void handle.close(force).then(() => {
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
            resolve();
          });
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
      });
      process.stderr.write(`thump worker ${handle.name}: stopped after ${handle.probed()} hosts\n`);
    });
}

/**
 * Fills what the flags leave open from thump.yaml's `sweep:` section (`--config` or
 * THUMP_CONFIG) and THUMP_SWEEP__* variables, the same keys `thump sweep` reads, so a
 * worker machine shares one config with the producer. Flags win; flag values are
 * checked first so an error names the flag.
 */
async function withConfig(f: WorkerFlags): Promise<WorkerFlags> {
  if (f.concurrency !== undefined) positiveInt(f.concurrency, '--concurrency');
  if (f.connectTimeout !== undefined) parseDuration(f.connectTimeout, '--connect-timeout');
  if (f.timeout !== undefined) parseDuration(f.timeout, '--timeout');
  if (f.acceptNew && f.insecureIgnoreHostKeys) {
    throw new UsageError('--accept-new and --insecure-ignore-host-keys exclude each other');
  }
  return (await withSweepConfig(f, loadThumpConfigLazily)).flags;
}
