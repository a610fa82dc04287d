import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump status`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('status')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump status is not available yet');
    });
}
