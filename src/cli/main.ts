#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ThumpError } from '../errors.js';

type Register = (program: Command) => void;

/**
 * Subcommands in help order, each loaded only when needed: `thump agent` should not pay
 * for Fastify, ssh2 and BullMQ at start-up (importing everything costs ~1 s of CPU).
 */
const SUBCOMMANDS: Record<string, () => Promise<{ register: Register }>> = {
  start: () => import('./start.js'),
  monitor: () => import('./monitor.js'),
  agent: () => import('./agent.js'),
  status: () => import('./status.js'),
  keygen: () => import('./keygen.js'),
  'check-config': () => import('./check-config.js'),
  'notify-test': () => import('./notify-test.js'),
  silence: () => import('./silence.js'),
  sweep: () => import('./sweep.js'),
  worker: () => import('./worker.js'),
  db: () => import('./db.js'),
};

/**
 * Builds the `thump` program; each subcommand lives in its own file under src/cli/.
 * With `only`, just that subcommand is loaded; otherwise all of them (top-level help,
 * unknown commands).
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('thump')
    .description(
      'Fleet liveness: UDP heartbeats with instant flatline detection, hardware checks, notifications, and agentless SSH uptime sweeps.',
    )
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const wantsVersion = only === '--version' || only === '-V';
  const names =
    only !== undefined && only in SUBCOMMANDS ? [only] : wantsVersion ? [] : Object.keys(SUBCOMMANDS);
  const modules = await Promise.all(
    names.map((n) => (SUBCOMMANDS[n] as () => Promise<{ register: Register }>)()),
  );
  for (const m of modules) m.register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Maps any error to one clear line on stderr and an exit code scripts can use. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other commander error is a usage error.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
      return 0;
    return 2;
  }
  if (err instanceof ThumpError) {
    process.stderr.write(`thump: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`thump: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv[2])).parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

await main(process.argv);
