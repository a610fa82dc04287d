import { resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { readSecretText } from '../../util/secret-file.js';
import type { NotifierContext } from './define.js';

/**
 * Reads secret `key` of a notifier config from whichever of `key`, `key_file` or `key_env`
 * is set (the schema allows at most one). Called once by the factory, so a missing file or
 * variable stops start-up with a ConfigError naming the key, never the secret.
 */
export function resolveSecret(
  config: { name: string } & Record<string, unknown>,
  key: string,
  ctx: NotifierContext,
): string | undefined {
  const inline = config[key];
  if (typeof inline === 'string') return inline;
  const file = config[`${key}_file`];
  if (typeof file === 'string') {
    const path = resolve(ctx.baseDir ?? process.cwd(), file);
    // The shared reader checks it is a non-empty regular file; no mode check, since
    // container runtimes mount secrets read-only for everyone (docs/configuration.md).
    const text = readSecretText(path, { key: `notifiers.${config.name}.${key}_file`, access: 'any' });
    return text.replace(/\r?\n$/, '');
  }
  const envName = config[`${key}_env`];
  if (typeof envName === 'string') {
    const value = (ctx.env ?? process.env)[envName];
    if (value === undefined || value === '') {
      throw new ConfigError(
        `notifiers.${config.name}.${key}_env: environment variable ${envName} is not set or empty`,
      );
    }
    return value;
  }
  return undefined;
}

/** Like {@link resolveSecret} for a secret the schema requires. */
export function requireSecret(
  config: { name: string } & Record<string, unknown>,
  key: string,
  ctx: NotifierContext,
): string {
  const v = resolveSecret(config, key, ctx);
  if (v === undefined) {
    throw new ConfigError(`notifiers.${config.name}: one of ${key}, ${key}_file & ${key}_env is required`);
  }
  return v;
}

/**
 * A required secret that is an http(s) URL (Slack/Discord/webhook URLs carry their token in
 * the path). The error names the key only: the URL itself is the secret.
 */
export function requireSecretUrl(
  config: { name: string } & Record<string, unknown>,
  key: string,
  ctx: NotifierContext,
): string {
  const url = requireSecret(config, key, ctx);
  if (!/^https?:\/\/[^\s/]/.test(url) || !URL.canParse(url)) {
    throw new ConfigError(`notifiers.${config.name}.${key}: expected an http:// or https:// URL`);
  }
  return url;
}

/**
 * Resolves the optional `token` and `username` + `password` secrets into an `authorization`
 * header (`Bearer` for a token, `Basic` for username + password, which wins if both are
 * set) and returns the secret values to redact from errors and logs.
 */
export function resolveHttpAuth(
  config: { name: string; username?: string | undefined } & Record<string, unknown>,
  ctx: NotifierContext,
): { headers: Record<string, string>; redact: string[] } {
  const token = resolveSecret(config, 'token', ctx);
  const password = resolveSecret(config, 'password', ctx);
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (config.username !== undefined && password !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${password}`).toString('base64')}`;
  }
  return { headers, redact: [...(token ? [token] : []), ...(password ? [password] : [])] };
}
