import { Command } from 'commander';
import { vi } from 'vitest';

/**
 * Runs one thump subcommand in this process, the way src/cli/main.ts would: `register` adds
 * it to a fresh program, `argv` is what follows `thump`. Returns what it wrote to stdout and
 * what it threw (commander's own exits throw too, with exitOverride).
 */
export async function runCommand(
  register: (program: Command) => void,
  argv: string[],
): Promise<{ stdout: string; error?: Error }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const program = new Command().exitOverride();
  register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { stdout };
  } catch (err) {
    return { stdout, error: err as Error };
  } finally {
    spy.mockRestore();
  }
}
