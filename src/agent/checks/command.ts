import { z } from 'zod';
import type { Severity } from '../../protocol/types.js';
import { type ExecResult, execBounded } from './exec.js';
import { type CheckKind, checkName, commonCheckFields } from './types.js';

const schema = z.strictObject({
  /** Optional in thump.yaml: an entry with `command` and no `type` is a command check. */
  type: z.literal('command'),
  ...commonCheckFields,
  /** Run by `/bin/sh -c`, so arguments, quoting and `$VARS` work as in a Nagios command line. */
  command: z.string().min(1, 'expected a command line'),
});
export type CommandCheckConfig = z.output<typeof schema>;

/**
 * Nagios plugin convention: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; the first line of
 * stdout is the message, and anything after `|` on it is performance data (dropped). Any other
 * exit code, a signal or a failed start is UNKNOWN with a text saying what happened. Pure.
 */
export function nagiosResult(r: ExecResult): { severity: Severity; text: string } {
  const first = (s: string) => (s.split('\n').find((l) => l.trim() !== '') ?? '').split('|')[0]?.trim() ?? '';
  const out = first(r.stdout) || first(r.stderr);
  if (r.spawnError !== undefined) return { severity: 3, text: `cannot run /bin/sh: ${r.spawnError}` };
  if (r.signal !== undefined) return { severity: 3, text: `killed by ${r.signal}${out ? `: ${out}` : ''}` };
  const code = r.code ?? -1;
  if (code >= 0 && code <= 3) {
    return { severity: code as Severity, text: out || `exit ${code} without output` };
  }
  // 126 = not executable, 127 = not found (what /bin/sh reports for a missing plugin).
  const why = code === 127 ? 'command not found' : code === 126 ? 'not executable' : `exit ${code}`;
  return { severity: 3, text: `${why}${out ? `: ${out}` : ''}` };
}

/** Any Nagios/Icinga plugin or script, run on its schedule; its exit code is the state. */
export const commandCheck: CheckKind<CommandCheckConfig> = {
  type: 'command',
  schema,
  create(c) {
    const id = checkName(c);
    return async (signal) => [
      { id, ...nagiosResult(await execBounded('/bin/sh', ['-c', c.command], signal)) },
    ];
  },
};
