import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump start`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('start')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump start is not available yet');
    });
}
