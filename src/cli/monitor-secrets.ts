import type pino from 'pino';
import { readSecretFile } from '../config/index.js';
import { Keyring, loadKeyring } from '../protocol/index.js';
import type { ThumpConfig } from './config-schema.js';

/**
 * The keyring from `monitor.secret_file` (or `THUMP_SECRET_FILE`) plus `THUMP_SECRET`.
 * The file goes through the one secret-file reader (private, not empty); `thump monitor`
 * and `thump check-config --strict` both call this, so they accept the same files.
 */
export function monitorKeyring(cfg: ThumpConfig, env: NodeJS.ProcessEnv, log?: pino.Logger): Keyring {
  const fromConfig = cfg.monitor.secret_file;
  const file = fromConfig ?? (env.THUMP_SECRET_FILE || undefined);
  const files = file !== undefined ? [file] : [];
  if (files.length === 0 && !env.THUMP_SECRET && cfg.monitor.legacy) {
    log?.warn('no secret given: only legacy Thump!/PyHB datagrams will be accepted');
    return new Keyring();
  }
  return loadKeyring(
    files,
    env.THUMP_SECRET,
    fromConfig !== undefined ? 'monitor.secret_file' : 'THUMP_SECRET_FILE',
  );
}

/**
 * The API token the config names: `http.token`, else `http.token_file` (refused when empty,
 * or readable by group or others, like the monitor's secret: the token grants every write
 * endpoint), else `THUMP_HTTP_TOKEN`. Undefined when none is set (the monitor then
 * generates one next to its database). Shared by `thump monitor` and `check-config --strict`.
 */
export function configuredHttpToken(cfg: ThumpConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (cfg.http.token !== undefined) return cfg.http.token;
  if (cfg.http.token_file !== undefined) {
    const token = readSecretFile(cfg.http.token_file, 'http.token_file', process.cwd(), 'private');
    return token.split(/\r?\n/)[0]?.trim();
  }
  if (env.THUMP_HTTP_TOKEN) return env.THUMP_HTTP_TOKEN;
  return undefined;
}
