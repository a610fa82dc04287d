import { z } from 'zod';
import { duration } from '../../config/zod.js';
import type { Clock } from '../../util/clock.js';
import type { NotifyLogger, PostOptions } from '../http-client.js';
import type { Notifier } from '../types.js';

/** What a notifier factory may use besides its own config. Every field is optional. */
export interface NotifierContext {
  /** Folder that relative `*_file` paths resolve against: the config file's folder. Default: cwd. */
  baseDir?: string;
  /** Environment for `*_env` secrets and the command notifier. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  logger?: NotifyLogger;
  /** Wall clock for timestamps (signatures, Alertmanager `endsAt`). */
  clock?: Clock;
}

/**
 * One notifier type: its config schema (a strict object with `name`, `type` and `timeout`
 * from {@link baseShape}) and a factory. `create` validates what the schema cannot (secret
 * files exist) and throws a ConfigError, so a broken notifier stops start-up.
 */
export interface NotifierDefinition<T extends string, S extends z.ZodType> {
  type: T;
  configSchema: S;
  create(config: z.output<S>, ctx: NotifierContext): Notifier;
}

/**
 * The HTTP options every HTTP notifier sends with: its `timeout` as the whole-attempt
 * budget, the dispatcher's abort signal and the pipeline's logger. `extra` adds what is the
 * notifier's own (headers, secrets to redact, `showPath`, a retry hint parser). One place,
 * so an option every notifier should share reaches all of them (Uptime Kuma's opt-in
 * request timeout is the lesson).
 */
export function httpSendOptions(
  config: { timeout: number },
  ctx: NotifierContext,
  signal: AbortSignal,
  extra: Omit<PostOptions, 'timeoutMs' | 'signal' | 'logger'> = {},
): PostOptions {
  return { timeoutMs: config.timeout, signal, logger: ctx.logger, ...extra };
}

/** Declares a notifier type with its types inferred; see `registry.ts` for where it is listed. */
export function defineNotifier<T extends string, S extends z.ZodType>(
  def: NotifierDefinition<T, S>,
): NotifierDefinition<T, S> {
  return def;
}

/** Names referenced by routes: letters, digits, `_`, `-`, `.`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Keys every notifier has: `name` (unique, referenced by routes), `type`, `timeout`
 * (one budget for a whole attempt, default 10 s) and `self_alerts` (whether the monitor's
 * own alerts, such as "store unreachable", are sent to it directly, default true).
 */
export function baseShape<T extends string>(type: T) {
  return {
    name: z.string().regex(NAME, 'expected a name of letters, digits, "_", "-" or "." (e.g. ops-slack)'),
    type: z.literal(type),
    timeout: duration()
      .refine((ms) => ms > 0, 'expected a duration above zero, e.g. 10s')
      .default(10_000),
    /**
     * Send the monitor's own alerts here ("store unreachable" and "store reachable again",
     * at most one each per outage), directly, not through the outbox that lives in the store.
     */
    self_alerts: z.boolean().default(true),
  };
}

/** An http(s) URL, as a string. */
export const httpUrl = () =>
  z
    .string()
    .refine((v) => /^https?:\/\/[^\s/]/.test(v) && URL.canParse(v), 'expected an http:// or https:// URL');

type SecretKeys<K extends string> = K | `${K}_file` | `${K}_env`;

/**
 * The three ways to give secret `key`: inline (`token`), from a file (`token_file`, relative
 * to the config file, trailing newline dropped) or from an environment variable (`token_env`,
 * the variable's name). Pair with {@link secretRule} to require one of them.
 */
export function secretShape<K extends string>(key: K): { [P in SecretKeys<K>]: z.ZodOptional<z.ZodString> } {
  const opt = () => z.string().min(1).optional();
  return { [key]: opt(), [`${key}_file`]: opt(), [`${key}_env`]: opt() } as {
    [P in SecretKeys<K>]: z.ZodOptional<z.ZodString>;
  };
}

/**
 * A refinement saying "at most one of token, token_file & token_env" (and "exactly one"
 * when `required`), phrased like Alertmanager's config errors.
 */
export function secretRule(key: string, required: boolean) {
  const keys = [key, `${key}_file`, `${key}_env`];
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const given = keys.filter((k) => value[k] !== undefined);
    if (given.length > 1 || (required && given.length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1] ?? key],
        message: `${required ? 'exactly' : 'at most'} one of ${keys[0]}, ${keys[1]} & ${keys[2]} must be configured`,
      });
    }
  };
}

/**
 * A refinement saying `username` and a password (`password`, `password_file` or
 * `password_env`) are given together or not at all: basic auth needs both.
 */
export function usernamePasswordRule(
  v: { username?: string; password?: string; password_file?: string; password_env?: string },
  ctx: z.RefinementCtx,
): void {
  const hasPassword =
    v.password !== undefined || v.password_file !== undefined || v.password_env !== undefined;
  if ((v.username !== undefined) !== hasPassword) {
    ctx.addIssue({ code: 'custom', path: ['username'], message: 'username and password go together' });
  }
}

/** A strict notifier config object with the secret rules applied. */
export function notifierSchema<T extends string, Shape extends z.ZodRawShape>(
  type: T,
  shape: Shape,
  secrets: { key: string; required: boolean }[] = [],
) {
  const schema = z.strictObject({ ...baseShape(type), ...shape });
  if (secrets.length === 0) return schema;
  return schema.superRefine((v, ctx) => {
    for (const s of secrets) secretRule(s.key, s.required)(v as Record<string, unknown>, ctx);
  });
}
