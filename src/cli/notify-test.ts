import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump notify-test`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('notify-test')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump notify-test is not available yet');
    });
}
