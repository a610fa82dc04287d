import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump monitor`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('monitor')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump monitor is not available yet');
    });
}
