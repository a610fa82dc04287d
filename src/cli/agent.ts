import { hostname } from 'node:os';
import type { Command } from 'commander';
import { Agent, buildDestinations, createChecks, DEFAULT_AGENT_PORT } from '../agent/index.js';
import { formatConfig, loadConfigDetailed, redactConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { createLogger } from '../monitor/log.js';
import { keyFromSecret, loadSecretFile } from '../protocol/index.js';
import type { Key } from '../protocol/types.js';
import { formatDuration } from '../util/duration.js';
import { configSchema } from './config-schema.js';

interface AgentFlags {
  to?: string[];
  broadcast?: string | boolean;
  multicast?: string[];
  multicastTtl?: string;
  multicastInterface?: string;
  port?: string;
  interval?: string;
  id?: string;
  label?: string[];
  secretFile?: string;
  config?: string;
  once?: boolean;
  printConfig?: boolean;
  logFormat?: 'auto' | 'pretty' | 'json';
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

function intFlag(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${flag}: "${text}" is not a number from ${min} to ${max}`);
  return n;
}

function labelsFlag(list: string[] | undefined): Record<string, string> | undefined {
  if (list === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const l of list) {
    const i = l.indexOf('=');
    if (i < 1) throw new UsageError(`--label: "${l}" is not KEY=VALUE`);
    out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

/** Secret precedence (as for the monitor): --secret-file > THUMP_SECRET > THUMP_SECRET_FILE > agent.secret_file. */
function agentKey(flagFile: string | undefined, configFile: string | undefined, env: NodeJS.ProcessEnv): Key {
  if (flagFile !== undefined) return loadSecretFile(flagFile, '--secret-file');
  if (env.THUMP_SECRET) return keyFromSecret(env.THUMP_SECRET, 'THUMP_SECRET');
  if (env.THUMP_SECRET_FILE) return loadSecretFile(env.THUMP_SECRET_FILE, 'THUMP_SECRET_FILE');
  if (configFile !== undefined) return loadSecretFile(configFile, 'agent.secret_file');
  throw new UsageError(
    'no secret: use --secret-file FILE, THUMP_SECRET or agent.secret_file (create one with: thump keygen --out FILE)',
  );
}

/**
 * Registers `thump agent`: sends an authenticated heartbeat every interval to one or more
 * monitors (unicast, IPv4 broadcast, IPv4/IPv6 multicast), with host metrics and the results
 * of the configured hardware/custom checks; a goodbye beat on SIGINT/SIGTERM.
 */
export function register(program: Command): void {
  program
    .command('agent')
    .description('send authenticated heartbeats (with metrics and check results) to monitors')
    .option('--to <host[:port]>', 'monitor to send to, repeatable (IPv6: [addr]:port)', collect)
    .option('--broadcast [addr]', 'also send to an IPv4 broadcast address (default 255.255.255.255)')
    .option('--multicast <group>', 'also send to an IPv4/IPv6 multicast group, repeatable', collect)
    .option('--multicast-ttl <hops>', 'multicast hop limit (default 1: this link only)')
    .option('--multicast-interface <addr>', 'interface for multicast: its IPv4 address, or ::%eth0')
    .option('--port <port>', `destination port when none is given (default ${DEFAULT_AGENT_PORT})`)
    .option('--interval <duration>', 'beat interval, e.g. 1s, 5s (default 5s, with a small jitter)')
    .option('--id <name>', 'host identity (default: the hostname)')
    .option('--label <key=value>', 'label sent with every beat, repeatable (e.g. parent=switch-3)', collect)
    .option('--secret-file <file>', 'shared secret file, mode 0600 (or THUMP_SECRET)')
    .option('--config <file>', 'thump.yaml with agent: and checks: sections (default: THUMP_CONFIG)')
    .option('--once', 'send a single beat and exit (no goodbye): test connectivity or run from cron')
    .option('--print-config', 'print the effective configuration (secrets redacted) and exit')
    .option('--log-format <format>', 'auto (pretty on a terminal, JSON otherwise), pretty or json', 'auto')
    .action(async (flags: AgentFlags) => {
      const { config: cfg } = loadConfigDetailed(configSchema, {
        ...(flags.config !== undefined ? { path: flags.config } : {}),
        overrides: {
          agent: {
            to: flags.to,
            broadcast: flags.broadcast,
            multicast: flags.multicast,
            multicast_ttl: intFlag(flags.multicastTtl, '--multicast-ttl', 0, 255),
            multicast_interface: flags.multicastInterface,
            port: intFlag(flags.port, '--port', 1, 65535),
            interval: flags.interval,
            id: flags.id,
            labels: labelsFlag(flags.label),
            secret_file: flags.secretFile,
          },
        },
      });
      if (flags.printConfig) {
        process.stdout.write(formatConfig(redactConfig(cfg), configSchema));
        return;
      }
      const a = cfg.agent;
      const destinations = buildDestinations({
        to: a.to,
        broadcast: a.broadcast === false ? undefined : a.broadcast === true ? '' : a.broadcast,
        multicast: a.multicast,
        port: a.port,
      });
      if (destinations.length === 0) {
        throw new UsageError('no destination: use --to HOST[:PORT], --broadcast [ADDR] or --multicast GROUP');
      }
      if (a.jitter !== undefined && a.jitter >= a.interval) {
        throw new UsageError(
          `agent.jitter (${formatDuration(a.jitter)}) must be shorter than agent.interval (${formatDuration(a.interval)})`,
        );
      }
      const hostId = a.id ?? hostname();
      if (Buffer.byteLength(hostId) > 64) throw new UsageError(`--id: "${hostId}" is longer than 64 bytes`);
      const key = agentKey(flags.secretFile, a.secret_file, process.env);
      const logger = createLogger({ format: flags.logFormat ?? 'auto' });
      const log = { info: (m: string) => logger.info(m), warn: (m: string) => logger.warn(m) };
      const agent = new Agent({
        hostId,
        key,
        intervalMs: a.interval,
        ...(a.jitter !== undefined && { jitterMs: a.jitter }),
        labels: a.labels,
        destinations,
        checks: flags.once ? [] : createChecks(cfg.checks),
        log,
        resolveTtlMs: a.resolve_ttl,
        multicastTtl: a.multicast_ttl,
        ...(a.multicast_interface !== undefined && { multicastInterface: a.multicast_interface }),
      });
      const where = destinations.map((d) => d.label).join(', ');
      if (flags.once) {
        await agent.sendOnce();
        log.info(`sent one beat for ${hostId} to ${where}`);
        return;
      }
      agent.start();
      log.info(
        `agent ${hostId} beating every ${formatDuration(a.interval)} to ${where} (boot ${agent.bootId}, key id ${key.id}, ${cfg.checks.length} checks)`,
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const onSignal = (sig: NodeJS.Signals) => {
          if (stopping) process.exit(130); // second signal: do not wait for the goodbye
          stopping = true;
          log.info(`${sig}: sending goodbye and stopping`);
          void agent.stop().then(resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        // Started by `thump start` with an IPC channel: when that parent dies, even by
        // SIGKILL, the channel closes and this local agent says goodbye instead of beating on
        // as an orphan.
        if (process.send !== undefined) {
          const lost = () => {
            if (!stopping) onSignal('SIGHUP');
          };
          if (process.connected) process.once('disconnect', lost);
          else lost(); // the parent died while we were starting
        }
      });
      log.info('agent stopped');
      // Anything still pending (a name lookup, an abandoned check) must not delay the exit.
      process.exit(0);
    });
}
