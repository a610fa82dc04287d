import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import type { Notifier } from '../types.js';
import { alertmanager } from './alertmanager.js';
import { command } from './command.js';
import type { NotifierContext } from './define.js';
import { discord } from './discord.js';
import { email } from './email.js';
import { gotify } from './gotify.js';
import { ntfy } from './ntfy.js';
import { pushbullet } from './pushbullet.js';
import { slack } from './slack.js';
import { telegram } from './telegram.js';
import { webhook } from './webhook.js';

/**
 * Every notifier type, one line each. Adding a notifier = one file that exports a
 * `defineNotifier({...})`, one line here, one test running the conformance suite.
 */
const definitions = [
  webhook,
  slack,
  discord,
  ntfy,
  pushbullet,
  gotify,
  telegram,
  email,
  alertmanager,
  command,
] as const;

type Definition = (typeof definitions)[number];
type SchemasOf<T extends readonly unknown[]> = {
  [I in keyof T]: T[I] extends { configSchema: infer S } ? S : never;
};
type Schemas = SchemasOf<typeof definitions>;

/** Notifier types by `type` key: their config schema and factory. */
export const notifierTypes: Readonly<Record<string, Definition>> = Object.fromEntries(
  definitions.map((d) => [d.type, d]),
);

/**
 * One entry of thump.yaml's `notifiers:` list: a union discriminated on `type`, each member
 * a strict object with the common keys `name`, `type` and `timeout`.
 */
export const notifierConfigSchema = z.discriminatedUnion(
  'type',
  definitions.map((d) => d.configSchema) as unknown as Schemas,
);

/** A validated notifier config (defaults applied; secrets not yet read). */
export type NotifierConfig = z.output<typeof notifierConfigSchema>;

/** The whole `notifiers:` list: names must be unique (routes refer to them). */
export const notifierListSchema = z.array(notifierConfigSchema).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((n, i) => {
    const first = seen.get(n.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `duplicate notifier name "${n.name}" (also used by entry ${first})`,
      });
    } else {
      seen.set(n.name, i);
    }
  });
});

/**
 * Builds a notifier from its validated config. Reads secret files/variables now, so a
 * broken notifier fails start-up with a ConfigError instead of at the first outage.
 */
export function createNotifier(config: NotifierConfig, ctx: NotifierContext = {}): Notifier {
  const def = notifierTypes[config.type];
  if (!def) {
    throw new ConfigError(
      `notifiers.${config.name}.type: unknown notifier type ${JSON.stringify(config.type)}`,
    );
  }
  return (def.create as (c: NotifierConfig, x: NotifierContext) => Notifier)(config, ctx);
}
