import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump silence`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('silence')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump silence is not available yet');
    });
}
