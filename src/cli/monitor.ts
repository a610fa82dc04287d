import type { Command } from 'commander';
import { formatConfig, loadConfig, redactConfig } from '../config/index.js';
import { DEFAULT_UDP_PORT } from '../monitor/listen.js';
import { createLogger } from '../monitor/log.js';
import { configSchema } from './config-schema.js';
import { runMonitor, untilSignal } from './monitor-app.js';

interface MonitorFlags {
  udp?: string[];
  multicast?: string[];
  http?: string;
  db?: string;
  secretFile?: string;
  legacy?: boolean;
  timeout?: string;
  receiver?: string;
  detector?: string;
  config?: string;
  printConfig?: boolean;
  logFormat?: 'auto' | 'pretty' | 'json';
}

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

/**
 * Registers `thump monitor`: receives authenticated UDP beats, detects flatlines within a
 * fraction of a second of each host's deadline, records events in SQLite, notifies, and
 * serves the HTTP API. Flags override thump.yaml (`--config`) and `THUMP_*` variables.
 */
export function register(program: Command): void {
  program
    .command('monitor')
    .description('receive heartbeats, detect dead hosts, record and notify events, serve the API')
    .option(
      '--udp <[addr:]port>',
      `UDP listen address, repeatable; [::]:PORT for IPv6 (default ${DEFAULT_UDP_PORT} on all IPv4 addresses)`,
      collect,
    )
    .option(
      '--multicast <group>',
      'join a multicast group (GROUP or GROUP@LOCAL_IFACE_ADDR), repeatable',
      collect,
    )
    .option('--http <addr:port>', 'HTTP API listen address, or "off" (default 127.0.0.1:8080)')
    .option('--db <file|url>', 'store: a SQLite file (default ./data/thump.db) or a postgres:// URL')
    .option('--secret-file <file>', 'shared secret file (or THUMP_SECRET); one secret per line')
    .option('--legacy', 'also accept unauthenticated PyHeartBeat "Thump!"/"PyHB" datagrams')
    .option('--timeout <duration>', 'fixed timeout for every host (default: 3 x its announced interval)')
    .option(
      '--receiver <kind>',
      'UDP receiver: auto (the native batched one when built), native, or dgram (default auto)',
    )
    .option(
      '--detector <kind>',
      "failure detector: fixed (timeout = 3 x interval) or phi (adapts to each host's jitter) (default fixed)",
    )
    .option('--config <file>', 'thump.yaml (default: THUMP_CONFIG, else none)')
    .option('--print-config', 'print the effective configuration (secrets redacted) and exit')
    .option('--log-format <format>', 'auto (pretty on a terminal, JSON otherwise), pretty or json', 'auto')
    .action(async (flags: MonitorFlags) => {
      const cfg = loadConfig(configSchema, {
        ...(flags.config !== undefined ? { path: flags.config } : {}),
        overrides: {
          monitor: {
            udp: flags.udp,
            multicast: flags.multicast,
            db_path: flags.db,
            secret_file: flags.secretFile,
            legacy: flags.legacy,
            timeout: flags.timeout,
            receiver: flags.receiver,
            detector: flags.detector,
          },
          http: { listen: flags.http },
        },
      });
      if (flags.printConfig) {
        process.stdout.write(formatConfig(redactConfig(cfg), configSchema));
        return;
      }
      const logger = createLogger({ format: flags.logFormat ?? 'auto' });
      const running = await runMonitor(cfg, { logger, info: { command: 'monitor' } });
      await untilSignal(running, logger);
    });
}
