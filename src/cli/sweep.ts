import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump sweep`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('sweep')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump sweep is not available yet');
    });
}
