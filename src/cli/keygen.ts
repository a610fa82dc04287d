import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ResourceError, UsageError } from '../errors.js';
import { generateSecret, keyFromSecret } from '../protocol/index.js';

/**
 * Registers `thump keygen`: a new random shared secret (32 bytes, base64url). With `--out`
 * it is written to a new file with mode 0600 (never overwriting one unless `--force`) and the
 * commands that use it are printed; without, only the secret goes to stdout (for pipes).
 */
export function register(program: Command): void {
  program
    .command('keygen')
    .description('generate a new shared secret for agents and monitors')
    .option('--out <file>', 'write the secret to this file (mode 0600) instead of stdout')
    .option('--force', 'overwrite an existing --out file')
    .action((flags: { out?: string; force?: boolean }) => {
      const secret = generateSecret();
      const key = keyFromSecret(secret);
      if (flags.out === undefined) {
        process.stdout.write(`${secret}\n`);
        process.stderr.write(
          `key id ${key.id}. Save it with mode 0600 (or use: thump keygen --out FILE) and pass --secret-file FILE, or set THUMP_SECRET.\n`,
        );
        return;
      }
      const file = resolve(flags.out);
      try {
        writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: flags.force ? 'w' : 'wx' });
        // The mode above applies only to a new file (and through the umask): --force over an
        // existing 0644 file, or a umask like 0o277, must still leave exactly 0600.
        chmodSync(file, 0o600);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST')
          throw new UsageError(`--out: ${file} already exists (use --force to replace it)`);
        throw new ResourceError(`cannot write ${file}: ${code ?? (err as Error).message}`, { cause: err });
      }
      process.stdout.write(
        [
          `wrote a new secret to ${file} (mode 0600, key id ${key.id})`,
          'copy it to each machine (keep mode 0600), then run:',
          `  monitor:  thump monitor --secret-file ${file}`,
          `  agents:   thump agent --to MONITOR_HOST --secret-file ${file}`,
          "to rotate without downtime: add the new secret as a second line of the monitor's file,",
          'move the agents to the new secret, then remove the old line.',
          '',
        ].join('\n'),
      );
    });
}
