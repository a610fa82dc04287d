import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type pino from 'pino';
import { loadConfig } from '../config/index.js';
import { ResourceError } from '../errors.js';
import { createLogger } from '../monitor/log.js';
import type { MonitorView } from '../monitor/types.js';
import { generateSecret } from '../protocol/index.js';
import { configSchema } from './config-schema.js';
import { runMonitor } from './monitor-app.js';

interface StartFlags {
  dataDir?: string;
  udp?: string[];
  http?: string;
  config?: string;
  interval?: string;
  agent?: boolean;
  logFormat?: 'auto' | 'pretty' | 'json';
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/**
 * Creates the shared secret on first run: 32 random bytes, file mode 0600, never
 * overwritten. Returns true when it was just created.
 */
export function ensureSecret(path: string): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${generateSecret()}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ResourceError(`cannot create secret file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** This machine's first non-internal IPv4 address (what other hosts should send to). */
function thisHostAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '<this-host>';
}

/**
 * Supervises `thump agent` as a child process beating to the local monitor: restarts it
 * (2 s later) when it dies unexpectedly, gives up after 5 quick failures in a row.
 */
class LocalAgent {
  private child: ChildProcess | undefined;
  private stopping = false;
  private quickFailures = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly args: string[],
    private readonly log: pino.Logger,
  ) {}

  start(): void {
    if (this.stopping) return;
    const startedAt = Date.now();
    const child = spawn(process.execPath, [process.argv[1] as string, 'agent', ...this.args], {
      // The IPC channel is the agent's lifeline: it stops when this process dies (see cli/agent.ts).
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    child.once('exit', (code, sig) => {
      if (this.stopping) return;
      const why = err.trim().split('\n').at(-1) || 'no output';
      this.quickFailures = Date.now() - startedAt < 5000 ? this.quickFailures + 1 : 0;
      if (this.quickFailures >= 5) {
        this.log.error({ code, signal: sig }, `local agent keeps failing, not restarting it: ${why}`);
        return;
      }
      this.log.warn({ code, signal: sig }, `local agent stopped (${why}); restarting it in 2s`);
      this.restartTimer = setTimeout(() => this.start(), 2000);
    });
  }

  /** Stops the agent (it sends its goodbye) and waits, bounded, for the monitor to record it. */
  async stop(monitor: MonitorView): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((res) => {
      const done = () => {
        clearTimeout(t);
        off();
        res();
      };
      const t = setTimeout(done, 3000);
      const off = monitor.subscribe((e) => {
        if (e.type === 'left') done();
      });
      void stopChild(child);
    });
  }
}

function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Registers `thump start` (what `npm start` runs): a monitor on ./data/thump.db with a
 * secret generated on first run, the HTTP API on 127.0.0.1:8080, and a local agent, so a
 * newcomer sees their own machine `up` within seconds. Prints the agent command for other
 * hosts.
 */
export function register(program: Command): void {
  program
    .command('start')
    .description('run a monitor with a local agent on ./data (first run generates the secret)')
    .option('--data-dir <dir>', 'where the database, secret and API token live', './data')
    .option(
      '--udp <[addr:]port>',
      'UDP listen address, repeatable (default 43278 on all IPv4 addresses)',
      collect,
    )
    .option('--http <addr:port>', 'HTTP API listen address (default 127.0.0.1:8080)')
    .option('--config <file>', 'thump.yaml (default: THUMP_CONFIG, else none)')
    .option('--interval <duration>', 'local agent beat interval', '2s')
    .option('--no-agent', 'do not start the local agent')
    .option('--log-format <format>', 'auto (pretty on a terminal, JSON otherwise), pretty or json', 'auto')
    .action(async (flags: StartFlags) => {
      const dataDir = resolve(flags.dataDir ?? './data');
      const loaded = loadConfig(configSchema, {
        ...(flags.config !== undefined ? { path: flags.config } : {}),
        overrides: {
          monitor: { udp: flags.udp, db_path: join(dataDir, 'thump.db') },
          http: { listen: flags.http },
        },
      });
      const secretFile = loaded.monitor.secret_file ?? join(dataDir, 'secret');
      const created = loaded.monitor.secret_file === undefined && ensureSecret(secretFile);
      const cfg = { ...loaded, monitor: { ...loaded.monitor, secret_file: secretFile } };
      const log = createLogger({ format: flags.logFormat ?? 'auto' });
      const running = await runMonitor(cfg, { logger: log, info: { command: 'start' } });
      const port = running.udp[0]?.port ?? 43278;
      const agent =
        flags.agent === false
          ? undefined
          : new LocalAgent(
              [
                '--to',
                `127.0.0.1:${port}`,
                '--secret-file',
                secretFile,
                '--interval',
                flags.interval ?? '2s',
              ],
              log,
            );
      agent?.start();
      process.stdout.write(
        [
          '',
          `thump is running${created ? ' (first run: a new secret was generated)' : ''}.`,
          `  hosts:   ${running.httpUrl ?? '(HTTP off)'}/api/hosts`,
          `  secret:  ${secretFile}  (mode 0600; copy it to the hosts you monitor, keep it private)`,
          `  db:      ${running.dbPath}`,
          '  on every other host run:',
          `    thump agent --to ${thisHostAddress()}:${port} --secret-file ${secretFile}`,
          '',
          '',
        ].join('\n'),
      );
      await new Promise<void>((done) => {
        let stopping = false;
        const onSignal = (sig: NodeJS.Signals) => {
          if (stopping) process.exit(130);
          stopping = true;
          log.info(`received ${sig}, stopping`);
          // The agent's goodbye is recorded while the monitor still runs: `left`, not `down`.
          void (agent ? agent.stop(running.monitor) : Promise.resolve())
            .then(() => running.stop())
            .finally(() => {
              process.off('SIGINT', onSignal);
              process.off('SIGTERM', onSignal);
              done();
            });
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
    });
}
