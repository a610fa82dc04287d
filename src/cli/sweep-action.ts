/**
 * The action of `thump sweep` (registered by cli/sweep.ts): flags -> targets -> probe
 * options -> sinks -> local or distributed run. It wires the sweep area to the composed
 * config and (with --db) the store, so it lives in cli/, not in sweep/.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { UsageError } from '../errors.js';
import { MAX_CONCURRENCY } from '../sweep/defaults.js';
import { withSweepConfig } from '../sweep/flag-config.js';
import {
  createProbeOptions,
  formatHostListErrors,
  type HostKeyMode,
  parseHostList,
  type SweepTarget,
} from '../sweep/index.js';
import { createProgress, type Progress } from '../sweep/progress.js';
import { runLocalSweep } from '../sweep/runner.js';
import { createSinks, SWEEP_FORMATS, type SweepFormat } from '../sweep/sinks/index.js';
import { formatSummary, type SweepSummary, SweepTally } from '../sweep/tally.js';
import { loadSshConfig, resolveTargets } from '../sweep/targets.js';
import { parseDuration } from '../util/duration.js';
import { loadThumpConfigLazily } from './lazy-config.js';

/** V8's tier-up budget for `thump sweep` (V8 11's default is 66 KiB of bytecode run). */
const SWEEP_INTERRUPT_BUDGET = 1_000_000;

/** Parsed `thump sweep` flags (commander's camelCase names). */
export interface SweepFlags {
  user?: string;
  port?: string;
  identity: string[];
  concurrency?: string;
  connectTimeout?: string;
  timeout?: string;
  config?: string;
  knownHosts?: string;
  acceptNew?: boolean;
  insecureIgnoreHostKeys?: boolean;
  format?: string;
  out?: string;
  db?: string;
  sshConfig?: string;
  every?: string;
  redis?: string;
  sweepId?: string;
  cancel?: boolean;
  progress: boolean;
}

function intFlag(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag}: "${text}" must be an integer from ${min} to ${max}`);
  }
  return n;
}

function readHostList(source: string | undefined): { name: string; text: string } {
  if (source === undefined || source === '-') {
    if (source === undefined && process.stdin.isTTY) {
      throw new UsageError('no hosts: give a hosts file, or "-" to read them from stdin');
    }
    return { name: '<stdin>', text: readFileSync(0, 'utf8') };
  }
  try {
    return { name: source, text: readFileSync(source, 'utf8') };
  } catch (err) {
    throw new UsageError(`cannot read hosts file ${source}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/** Reads, checks and resolves the host list (bad lines: one usage error naming each). */
function loadTargets(source: string | undefined, f: SweepFlags): SweepTarget[] {
  const { name, text } = readHostList(source);
  const parsed = parseHostList(text);
  if (parsed.errors.length > 0) {
    throw new UsageError(
      `${parsed.errors.length} bad line${parsed.errors.length === 1 ? '' : 's'} in the host list:\n${formatHostListErrors(name, parsed.errors)}`,
    );
  }
  for (const d of parsed.duplicates.slice(0, 3)) {
    process.stderr.write(`thump: ${name}:${d.line}: "${d.spec}" repeats line ${d.firstLine}; probed once\n`);
  }
  if (parsed.duplicates.length > 3) {
    process.stderr.write(
      `thump: ${name}: ${parsed.duplicates.length - 3} more repeated lines, each probed once\n`,
    );
  }
  const home = homedir();
  const sshConfig = f.sshConfig
    ? loadSshConfig(f.sshConfig, true, home)
    : loadSshConfig(join(home, '.ssh', 'config'), false, home);
  const defaults: Parameters<typeof resolveTargets>[1] = { sshConfig, home };
  if (f.user !== undefined) defaults.user = f.user;
  if (f.port !== undefined) defaults.port = intFlag(f.port, '--port', 1, 65535);
  return resolveTargets(parsed.entries, defaults);
}

/**
 * The store loads only with --db (a SQLite path or a PostgreSQL URL, `openStore`): a plain
 * sweep does not pay for SQLite or `pg`.
 */
async function openSweepStore(target: string) {
  const { openStore } = await import('../store/index.js');
  return openStore(target);
}

function hostKeyMode(f: SweepFlags): HostKeyMode {
  if (f.acceptNew && f.insecureIgnoreHostKeys) {
    throw new UsageError('--accept-new and --insecure-ignore-host-keys cannot be used together');
  }
  if (f.insecureIgnoreHostKeys) {
    process.stderr.write(
      'thump: WARNING: --insecure-ignore-host-keys: host keys are NOT checked; anyone on the path can impersonate these hosts\n',
    );
    return 'ignore';
  }
  return f.acceptNew ? 'accept-new' : 'strict';
}

/**
 * Runs `thump sweep` with parsed flags and returns the exit code. Loaded lazily by
 * src/cli/sweep.ts so other subcommands never pay for ssh2, SQLite or the progress bar.
 */
export async function sweepCommand(hostsArg: string | undefined, flags: SweepFlags): Promise<number> {
  // V8 optimises a function once it has run for a while (its "interrupt budget"). In a
  // sweep of a few hundred hosts most of that optimising, on background threads, is spent
  // on ssh2 code that then runs too few more times to pay it back: ~0.15 s of CPU for 256
  // hosts. A 15x larger budget leaves it to what stays hot. Measured (docs/perf/sweep.md):
  // ~0.3 ms less CPU per host at 256 hosts, no difference at 1,024.
  setFlagsFromString(`--interrupt-budget=${SWEEP_INTERRUPT_BUDGET}`);
  const f = await withConfig(flags);
  const concurrency = intFlag(f.concurrency as string, '--concurrency', 1, MAX_CONCURRENCY);
  // Host names resolve through getaddrinfo on libuv's thread pool (4 threads by default):
  // with slow DNS, 100 probes would queue behind 4 lookups and time out while waiting.
  // The pool starts on first use, which has not happened yet at this point.
  process.env.UV_THREADPOOL_SIZE ??= String(Math.min(64, Math.max(4, Math.ceil(concurrency / 4))));
  const connectTimeoutMs = parseDuration(f.connectTimeout as string, '--connect-timeout');
  const timeoutMs = parseDuration(f.timeout as string, '--timeout');
  const everyMs = f.every !== undefined ? parseDuration(f.every, '--every') : undefined;
  if (everyMs !== undefined && everyMs < 1000) throw new UsageError('--every must be at least 1s');
  if (f.format !== undefined && !SWEEP_FORMATS.includes(f.format as SweepFormat)) {
    throw new UsageError(`--format: "${f.format}" is not one of ${SWEEP_FORMATS.join(', ')}`);
  }
  if (f.redis !== undefined && everyMs !== undefined)
    throw new UsageError('--every cannot be combined with --redis');
  if (f.sweepId !== undefined && f.redis === undefined) throw new UsageError('--sweep-id needs --redis');
  if (f.cancel) return cancelSweep(hostsArg, f);
  const toTerminal = f.out === undefined && process.stdout.isTTY === true;
  const format = (f.format ?? (toTerminal ? 'table' : 'jsonl')) as SweepFormat;
  const resuming = f.redis !== undefined && f.sweepId !== undefined && hostsArg === undefined;
  const targets = resuming ? undefined : loadTargets(hostsArg, f);
  const mode = hostKeyMode(f);

  const store = f.db !== undefined ? await openSweepStore(f.db) : undefined;
  const sinks = await createSinks({
    format,
    ...(f.out !== undefined ? { outFile: f.out } : {}),
    ...(store ? { db: store.sweeps } : {}),
    specs: targets?.map((t) => t.spec) ?? [],
  }).catch(async (err: unknown) => {
    await store?.close();
    throw err;
  });
  // A bar on stderr only when stderr is a terminal and stdout is not one too (on a
  // terminal the streaming table rows are the progress, and a bar would tear them).
  const showBar = f.progress && !toTerminal;
  const progress = await createProgress(showBar ? process.stderr : ({ isTTY: false } as NodeJS.WriteStream));
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  // `thump sweep hosts | head`: the reader left; stop probing instead of crashing on EPIPE.
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') abort.abort();
    else throw err;
  };
  process.stdout.on('error', onStdoutError);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (f.redis !== undefined) {
      return await distributed(f, targets, sinks, { connectTimeoutMs, timeoutMs }, abort.signal, progress);
    }
    const probe = createProbeOptions({
      identityFiles: f.identity,
      ...(f.knownHosts !== undefined ? { knownHostsFile: f.knownHosts } : {}),
      hostKeyMode: mode,
      connectTimeoutMs,
      timeoutMs,
      // Between long rounds, keepalives notice dead peers early; with short rounds the next
      // exec does that, and keepalives on a busy server would only cause needless reconnects.
      ...(everyMs !== undefined && everyMs >= 30_000 ? { keepaliveIntervalMs: 15_000 } : {}),
    });
    const list = targets ?? [];
    let last: SweepSummary | undefined;
    await runLocalSweep({
      targets: list,
      probe,
      concurrency,
      sinks,
      ...(everyMs !== undefined ? { everyMs } : {}),
      signal: abort.signal,
      onRoundStart: (_round, total) => progress.start(total),
      onResult: (r) => progress.tick(r.status !== 'ok'),
      onRoundEnd: (round, summary) => {
        progress.stop();
        // With --every, a round cut short by Ctrl-C does not decide the exit code.
        if (summary.total === list.length || last === undefined) last = summary;
        const prefix = everyMs !== undefined ? `round ${round + 1}: ` : '';
        process.stderr.write(`thump: ${prefix}${formatSummary(summary)}\n`);
      },
    });
    if (abort.signal.aborted && everyMs === undefined) return 1;
    return last && last.failed === 0 && last.total === list.length ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.stdout.removeListener('error', onStdoutError);
    progress.stop();
    try {
      await sinks.close();
    } finally {
      await store?.close();
    }
  }
}

async function distributed(
  f: SweepFlags,
  targets: SweepTarget[] | undefined,
  sinks: Awaited<ReturnType<typeof createSinks>>,
  timeouts: { connectTimeoutMs: number; timeoutMs: number },
  signal: AbortSignal,
  progress: Progress,
): Promise<number> {
  const { runDistributedSweep } = await import('../sweep/queue/index.js');
  const tally = new SweepTally();
  const t0 = Date.now();
  const summary = await runDistributedSweep({
    redisUrl: f.redis as string,
    ...(targets ? { targets } : {}),
    ...(f.sweepId !== undefined ? { sweepId: f.sweepId } : {}),
    ...timeouts,
    signal,
    onStart: ({ sweepId, total, resumed, alreadyDone }) => {
      process.stderr.write(
        `thump: sweep ${sweepId}: ${total} hosts${resumed ? ` (resumed, ${alreadyDone} already done)` : ''}; resume with --sweep-id ${sweepId}\n`,
      );
      sinks.beginRound({ id: sweepId, startedAt: t0, total, mode: 'redis' });
      progress.start(total);
    },
    onResult: (r) => {
      tally.add(r);
      progress.tick(r.status !== 'ok');
      return sinks.write(r);
    },
  });
  progress.stop();
  sinks.endRound(Date.now());
  process.stderr.write(`thump: ${formatSummary(tally.summary(Date.now() - t0))}\n`);
  if (summary.duplicates > 0) {
    process.stderr.write(
      `thump: ${summary.duplicates} host${summary.duplicates === 1 ? ' was' : 's were'} probed again after a worker died; each is reported once\n`,
    );
  }
  if (!summary.complete) {
    process.stderr.write(
      `thump: stopped before every host answered; resume with --sweep-id ${summary.sweepId}\n`,
    );
    return 1;
  }
  return summary.failed === 0 ? 0 : 1;
}

/** `--cancel`: drops a distributed sweep's queued hosts and its state; exit 0, or 2/1 with why. */
async function cancelSweep(hostsArg: string | undefined, f: SweepFlags): Promise<number> {
  if (f.redis === undefined || f.sweepId === undefined) {
    throw new UsageError(
      '--cancel needs --redis URL and --sweep-id ID (the id printed when the sweep started)',
    );
  }
  if (hostsArg !== undefined) throw new UsageError('--cancel takes no hosts file, only --sweep-id');
  const { cancelDistributedSweep } = await import('../sweep/queue/index.js');
  const c = await cancelDistributedSweep({ redisUrl: f.redis, sweepId: f.sweepId });
  process.stderr.write(
    `thump: sweep ${c.sweepId} cancelled: ${c.removedJobs} queued hosts dropped of ${c.total}; hosts being probed right now finish and are not recorded\n`,
  );
  return 0;
}

/**
 * Fills flags the user did not give from thump.yaml's `sweep:` section (`--config` or
 * THUMP_CONFIG) and THUMP_SWEEP_* variables; flags win. Flag values are checked first so
 * an error names the flag, not the config key.
 */
async function withConfig(f: SweepFlags): Promise<SweepFlags> {
  if (f.concurrency !== undefined) intFlag(f.concurrency, '--concurrency', 1, MAX_CONCURRENCY);
  if (f.connectTimeout !== undefined) parseDuration(f.connectTimeout, '--connect-timeout');
  if (f.timeout !== undefined) parseDuration(f.timeout, '--timeout');
  if (f.acceptNew && f.insecureIgnoreHostKeys) {
    throw new UsageError('--accept-new and --insecure-ignore-host-keys cannot be used together');
  }
  const { flags: out, cfg } = await withSweepConfig(f, loadThumpConfigLazily, {
    ssh_config_file: f.sshConfig,
    db_path: f.db,
  });
  if (cfg.ssh_config_file !== undefined) out.sshConfig = cfg.ssh_config_file;
  if (cfg.db_path !== undefined) out.db = cfg.db_path;
  return out;
}
