import type { Command } from 'commander';
import { DEFAULT_CONCURRENCY, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../sweep/defaults.js';

const FORMATS = 'table|jsonl|csv';
const collect = (v: string, acc: string[]) => [...acc, v];

/** Registers `thump sweep`: agentless uptime over ssh, locally or through Redis workers. */
export function register(program: Command): void {
  program
    .command('sweep')
    .description('probe hosts over ssh for uptime and load (agentless); one result per host')
    .argument(
      '[hosts]',
      'hosts file (one per line: host, user@host, host:port, [v6]:port; # comments), "-" for stdin',
    )
    .option('--user <name>', 'login user for lines without user@ (default: ~/.ssh/config User, then you)')
    .option('--port <n>', 'port for lines without :port (default: ~/.ssh/config Port, then 22)')
    .option(
      '-i, --identity <file>',
      'private key file (repeatable; default: ssh-agent, then ~/.ssh/id_*)',
      collect,
      [],
    )
    .option('--concurrency <n>', `hosts probed at once (default ${DEFAULT_CONCURRENCY})`)
    .option(
      '--connect-timeout <dur>',
      `TCP connect + SSH handshake limit per host (default ${DEFAULT_CONNECT_TIMEOUT_MS / 1000}s)`,
    )
    .option(
      '--timeout <dur>',
      `limit for the whole exchange with one host (default ${DEFAULT_TIMEOUT_MS / 1000}s)`,
    )
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts; hashed entries work)')
    .option('--accept-new', 'trust hosts not yet in known_hosts and append them (changed keys still fail)')
    .option('--insecure-ignore-host-keys', 'do not check host keys at all (warns; for throwaway labs only)')
    .option('-F, --ssh-config <file>', 'ssh client config to honour (default ~/.ssh/config)')
    .option('--format <fmt>', `output format: ${FORMATS} (default: table on a terminal, else jsonl)`)
    .option('--out <file>', 'write results to this file instead of stdout')
    .option(
      '--db <file|url>',
      'also store runs and results in this store: a SQLite file or a postgres:// URL (for the API/dashboard)',
    )
    .option('--every <dur>', 'repeat forever at this interval over kept connections (stop with Ctrl-C)')
    .option(
      '--redis <url>',
      'distributed: enqueue hosts in Redis for `thump worker`s and collect their results',
    )
    .option('--sweep-id <id>', 'with --redis: name the sweep, or resume collecting a running one')
    .option('--cancel', 'with --redis and --sweep-id: stop that sweep for good (queued hosts are dropped)')
    .option('--config <file>', 'thump.yaml whose sweep: section gives defaults (default: THUMP_CONFIG)')
    .option('--no-progress', 'no progress bar even on a terminal')
    .action(async (hosts: string | undefined, f: Record<string, unknown>) => {
      // Loaded on use: `thump --help` or other subcommands never load ssh2 and SQLite.
      const { sweepCommand } = await import('./sweep-action.js');
      process.exitCode = await sweepCommand(hosts, f as unknown as Parameters<typeof sweepCommand>[1]);
      // Everything is written and closed. getaddrinfo calls we stopped waiting for (a dead
      // resolver) still run on libuv's thread pool and would hold the process open for
      // minutes; leave once nothing else is pending, with the code set above.
      setTimeout(() => process.exit(), 500).unref();
    });
}
