import { z } from 'zod';
import { commandCheck } from './command.js';
import { diskCheck } from './disk.js';
import { loadCheck } from './load.js';
import { raidCheck } from './mdstat.js';
import { memoryCheck } from './memory.js';
import { smartCheck } from './smart.js';
import { temperatureCheck } from './temperature.js';
import { type CheckKind, type CheckRun, type CommonCheckConfig, checkName } from './types.js';

/** Every check kind, by `type`. Adding a kind = one file + one line here. */
export const CHECK_KINDS = [
  diskCheck,
  memoryCheck,
  loadCheck,
  temperatureCheck,
  raidCheck,
  smartCheck,
  commandCheck,
] as const;

type KindConfig<K> = K extends CheckKind<infer C> ? C : never;
/** A validated entry of the top-level `checks:` list. */
export type CheckConfig = KindConfig<(typeof CHECK_KINDS)[number]>;

const union = z.discriminatedUnion(
  'type',
  CHECK_KINDS.map((k) => k.schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/**
 * One entry of `checks:`. `type` names the kind; an entry with a `command` and no `type` is a
 * Nagios-style command check, so issue 3's short form `{ name, command, interval }` works.
 */
export const checkConfigSchema = z.preprocess((v) => {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !('type' in v) && 'command' in v) {
    return { type: 'command', ...v };
  }
  return v;
}, union) as unknown as z.ZodType<CheckConfig>;

/** The whole `checks:` list: names (result ids) must be unique. */
export const checksConfigSchema = z
  .array(checkConfigSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((c, i) => {
      const n = checkName(c);
      const prev = seen.get(n);
      if (prev !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `duplicate check name "${n}" (also checks[${prev}]); give each check a unique name`,
        });
      }
      seen.set(n, i);
    });
  });

/** A check ready to schedule. */
export interface ConfiguredCheck {
  name: string;
  type: string;
  intervalMs: number;
  timeoutMs: number;
  timeoutSeverity: 1 | 2 | 3;
  run: CheckRun;
}

/** Builds runnable checks from validated config. */
export function createChecks(configs: readonly CheckConfig[]): ConfiguredCheck[] {
  return configs.map((c) => {
    const kind = CHECK_KINDS.find((k) => k.type === c.type) as CheckKind<CommonCheckConfig> | undefined;
    if (kind === undefined) throw new Error(`unknown check type ${c.type}`);
    return {
      name: checkName(c),
      type: c.type,
      intervalMs: c.interval,
      timeoutMs: c.timeout,
      timeoutSeverity: c.timeout_state === 'warning' ? 1 : c.timeout_state === 'unknown' ? 3 : 2,
      run: kind.create(c),
    };
  });
}
