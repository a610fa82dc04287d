/**
 * Turns parsed host-list entries into probe targets the way `ssh` would: the line's own
 * user/port first, then `--user`/`--port`, then `~/.ssh/config`, then the defaults
 * (local user, port 22). The result key stays the line as written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { globMatcher } from '../util/glob.js';
import type { HostEntry } from './hosts-file.js';
import { parseSshConfig, resolveSshHost, type SshConfigBlock } from './ssh-config.js';
import type { SweepTarget } from './types.js';

export interface TargetDefaults {
  /** `--user` */
  user?: string;
  /** `--port` */
  port?: number;
  /** Parsed ssh config (empty: none). */
  sshConfig?: readonly SshConfigBlock[];
  home?: string;
  localUser?: string;
}

/** Resolves each entry's address, user, port and extra identity files. */
export function resolveTargets(entries: readonly HostEntry[], d: TargetDefaults = {}): SweepTarget[] {
  const home = d.home ?? homedir();
  const localUser = d.localUser ?? safeLocalUser();
  const blocks = d.sshConfig ?? [];
  return entries.map((e) => {
    const cfg =
      blocks.length > 0 ? resolveSshHost(blocks, e.host, { home, localUser }) : { identityFiles: [] };
    const t: SweepTarget = {
      spec: e.spec,
      host: cfg.hostName ?? e.host,
      port: e.port ?? d.port ?? cfg.port ?? 22,
      user: e.user ?? d.user ?? cfg.user ?? localUser,
    };
    if (cfg.identityFiles.length > 0) t.identityFiles = cfg.identityFiles;
    return t;
  });
}

function safeLocalUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

/**
 * Reads an ssh config file with its Includes (relative to ~/.ssh, simple `*` globs in
 * the file name). `required`: a missing file is a usage error (`-F FILE`), otherwise
 * it means "no config".
 */
export function loadSshConfig(path: string, required: boolean, home = homedir()): SshConfigBlock[] {
  if (!existsSync(path)) {
    if (required) throw new UsageError(`ssh config file ${path} does not exist`);
    return [];
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ssh config ${path}: ${(err as Error).message}`);
  }
  const include = (pattern: string): string[] => {
    const p = pattern.startsWith('~/') ? join(home, pattern.slice(2)) : pattern;
    const full = isAbsolute(p) ? p : join(home, '.ssh', p);
    const dir = dirname(full);
    const matches = globMatcher(basename(full), { brackets: false });
    try {
      return readdirSync(dir)
        .filter(matches)
        .sort()
        .map((f) => readFileSync(join(dir, f), 'utf8'));
    } catch {
      return [];
    }
  };
  return parseSshConfig(text, include);
}
