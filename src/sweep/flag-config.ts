import type { SweepConfig } from './config.js';

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

/**
 * Loads thump.yaml's `sweep:` section (`--config` or THUMP_CONFIG, THUMP_SWEEP__* variables)
 * with the shared probe flags as overrides, and returns the flags completed from it (flags
 * win) together with the resolved section, so each command can fill its own extra flags.
 * Callers validate flag values first so an error names the flag, not the config key.
 * `extra` adds command-specific `sweep:` overrides in YAML shape.
 */
export async function withSweepConfig<F extends ProbeFlags>(
  f: F,
  extra: Record<string, unknown> = {},
): Promise<{ flags: F; cfg: SweepConfig }> {
  const { loadConfig } = await import('../config/loader.js');
  const cfg = loadConfig({
    ...(f.config !== undefined ? { path: f.config } : {}),
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
  }).sweep;
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
  return { flags, cfg };
}
