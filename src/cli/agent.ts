import type { Command } from 'commander';
import { ThumpError } from '../errors.js';

/** Registers `thump agent`. Placeholder until its owner lands the real command. */
export function register(program: Command): void {
  program
    .command('agent')
    .description('(not yet available)')
    .action(() => {
      throw new ThumpError('thump agent is not available yet');
    });
}
