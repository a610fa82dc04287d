import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump worker`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump worker is not available yet');
    });
}
