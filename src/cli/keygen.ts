import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump keygen`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('keygen')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump keygen is not available yet');
    });
}
