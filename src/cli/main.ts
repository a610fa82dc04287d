#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ThumpError } from '../errors.js';
import { register as agent } from './agent.js';
import { register as checkConfig } from './check-config.js';
import { register as keygen } from './keygen.js';
import { register as monitor } from './monitor.js';
import { register as notifyTest } from './notify-test.js';
import { register as silence } from './silence.js';
import { register as start } from './start.js';
import { register as status } from './status.js';
import { register as sweep } from './sweep.js';
import { register as worker } from './worker.js';

/** Builds the `thump` program; each subcommand lives in its own file under src/cli/. */
export function buildProgram(): Command {
  const program = new Command('thump')
    .description(
      'Fleet liveness: UDP heartbeats with instant flatline detection, hardware checks, notifications, and agentless SSH uptime sweeps.',
    )
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const add of [
    start,
    monitor,
    agent,
    status,
    keygen,
    checkConfig,
    notifyTest,
    silence,
    sweep,
    worker,
  ]) {
    add(program);
  }
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
    await buildProgram().parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

await main(process.argv);
