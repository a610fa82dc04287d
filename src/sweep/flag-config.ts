import { resolvePathValue } from '../config/layers.js';
import type { LoadConfigOptions } from '../config/loader.js';
import { parseDuration } from '../util/duration.js';
import type { SweepConfig } from './config.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  MAX_CONCURRENCY,
} from './defaults.js';

/** The probe flags `thump sweep` and `thump worker` share, as commander parses them. */
export interface ProbeFlags {
  config?: string;
  redis?: string;
  concurrency?: string;
  identity: string[];
  knownHosts?: string;
  acceptNew?: boolean;
  insecureIgnoreHostKeys?: boolean;
  connectTimeout?: string;
  timeout?: string;
}

/** Command-specific `sweep:` overrides in YAML shape (undefined: flag not given). */
export interface SweepExtra {
  ssh_config_file?: string | undefined;
  db_path?: string | undefined;
}

/**
 * Loads and validates the whole thump.yaml (every section, so a typo elsewhere is still an
 * error) and returns it. The CLI passes one bound to its composed schema
 * (src/cli/lazy-config.ts): sweep/ knows only its own keys.
 */
export type WholeConfigLoader = (opts: LoadConfigOptions) => Promise<{ sweep: SweepConfig }>;

/** Config variables that are not key overrides (the loader ignores them too). */
const NOT_OVERRIDES = new Set(['THUMP_SECRET', 'THUMP_SECRET_FILE', 'THUMP_CONFIG']);

/**
 * Loads thump.yaml's `sweep:` section (`--config` or THUMP_CONFIG, THUMP_SWEEP__* variables)
 * with the shared probe flags as overrides, and returns the flags completed from it (flags
 * win) together with the resolved section, so each command can fill its own extra flags.
 * Callers validate flag values first so an error names the flag, not the config key.
 * `extra` adds command-specific `sweep:` overrides in YAML shape; `load` reads the whole
 * file when one is needed.
 *
 * Without a config file or any `THUMP_*` variable the section is its defaults plus the
 * flags, so the config loader (every section's schema, zod, YAML: ~0.2 s of CPU, most of
 * a sweep's start-up) is not loaded at all; a test holds both paths to the same answer.
 */
export async function withSweepConfig<F extends ProbeFlags>(
  f: F,
  load: WholeConfigLoader,
  extra: SweepExtra = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ flags: F; cfg: SweepConfig }> {
  const cfg =
    hasConfigInput(f, env) || !withinSchema(f)
      ? await sweepSectionFromConfig(f, extra, env, load)
      : sweepSectionFromFlags(f, extra);
  return { flags: completeFlags(f, cfg), cfg };
}

/** True when a config file or a `THUMP_*` override could change the `sweep:` section. */
export function hasConfigInput(f: ProbeFlags, env: NodeJS.ProcessEnv): boolean {
  if (f.config !== undefined || env.THUMP_CONFIG) return true;
  for (const name in env) {
    if (name.startsWith('THUMP_') && !NOT_OVERRIDES.has(name) && env[name] !== '') return true;
  }
  return false;
}

/** A flag value the schema would refuse goes through the loader, which words the error. */
function withinSchema(f: ProbeFlags): boolean {
  if (f.concurrency === undefined) return true;
  const n = Number(f.concurrency);
  return Number.isInteger(n) && n >= 1 && n <= MAX_CONCURRENCY;
}

/** The section through the config loader: file, `THUMP_*` variables, then the flags. */
export async function sweepSectionFromConfig(
  f: ProbeFlags,
  extra: SweepExtra,
  env: NodeJS.ProcessEnv,
  load: WholeConfigLoader,
): Promise<SweepConfig> {
  const whole = await load({
    ...(f.config !== undefined ? { path: f.config } : {}),
    env,
    overrides: {
      sweep: {
        concurrency: f.concurrency !== undefined ? Number(f.concurrency) : undefined,
        connect_timeout: f.connectTimeout,
        timeout: f.timeout,
        identity_files: f.identity.length > 0 ? f.identity : undefined,
        known_hosts_file: f.knownHosts,
        host_keys: f.acceptNew ? 'accept-new' : f.insecureIgnoreHostKeys ? 'insecure-ignore' : undefined,
        ...extra,
        redis: f.redis,
      },
    },
  });
  return whole.sweep;
}

/**
 * The section from already-checked flags over the defaults, as the loader would build it
 * with no file and no variables (paths absolute against the working directory).
 */
export function sweepSectionFromFlags(f: ProbeFlags, extra: SweepExtra): SweepConfig {
  const cwd = process.cwd();
  const path = (p: string) => resolvePathValue(p, cwd) as string;
  const cfg: SweepConfig = {
    concurrency: f.concurrency !== undefined ? Number(f.concurrency) : DEFAULT_CONCURRENCY,
    connect_timeout:
      f.connectTimeout !== undefined
        ? parseDuration(f.connectTimeout, '--connect-timeout')
        : DEFAULT_CONNECT_TIMEOUT_MS,
    timeout: f.timeout !== undefined ? parseDuration(f.timeout, '--timeout') : DEFAULT_TIMEOUT_MS,
    identity_files: f.identity.map(path),
    host_keys: f.acceptNew ? 'accept-new' : f.insecureIgnoreHostKeys ? 'insecure-ignore' : 'strict',
  };
  if (f.knownHosts !== undefined) cfg.known_hosts_file = path(f.knownHosts);
  if (extra.ssh_config_file !== undefined) cfg.ssh_config_file = path(extra.ssh_config_file);
  if (extra.db_path !== undefined) cfg.db_path = path(extra.db_path);
  if (f.redis !== undefined) cfg.redis = f.redis;
  return cfg;
}

function completeFlags<F extends ProbeFlags>(f: F, cfg: SweepConfig): F {
  const flags: F = {
    ...f,
    concurrency: String(cfg.concurrency),
    connectTimeout: `${cfg.connect_timeout}ms`,
    timeout: `${cfg.timeout}ms`,
    identity: cfg.identity_files,
    acceptNew: cfg.host_keys === 'accept-new',
    insecureIgnoreHostKeys: cfg.host_keys === 'insecure-ignore',
  };
  if (cfg.known_hosts_file !== undefined) flags.knownHosts = cfg.known_hosts_file;
  if (cfg.redis !== undefined) flags.redis = cfg.redis;
  return flags;
}
