import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump check-config`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('check-config')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump check-config is not available yet');
    });
}
