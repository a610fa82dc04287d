/**
 * Builds {@link ProbeOptions} from what a user says (key files, known_hosts, host-key
 * mode, timeouts), once per process: keys are read and parsed once and shared by every
 * probe. Used by `thump sweep` and by distributed workers.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';
import { UsageError } from '../errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from './defaults.js';
import { type HostKeyMode, KnownHostsPolicy } from './host-key-policy.js';
import type { Identity, ProbeAuth, ProbeOptions } from './probe.js';
import type { SweepTarget } from './types.js';

export interface ProbeSetup {
  /** `-i FILE` (repeatable). When empty: ssh-agent via SSH_AUTH_SOCK, then ~/.ssh/id_*. */
  identityFiles?: readonly string[];
  /** Default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  hostKeyMode?: HostKeyMode;
  connectTimeoutMs?: number;
  timeoutMs?: number;
  command?: string;
  /** SSH keepalive for kept connections (`--every`), ms. */
  keepaliveIntervalMs?: number;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS };

const DEFAULT_KEY_NAMES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** Reads and parses one private key; throws a UsageError saying what is wrong. */
export function loadIdentity(path: string): Identity {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read identity file ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new UsageError(
      encrypted
        ? `identity file ${path} is encrypted; add it to ssh-agent (ssh-add) and sweep with SSH_AUTH_SOCK set`
        : `identity file ${path} is not a private key ssh2 can read: ${parsed.message}`,
    );
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) throw new UsageError(`identity file ${path} holds no private key`);
  preparseSigningKey(key);
  return { label: path, key };
}

/**
 * ssh2 keeps the private key as a PEM string and hands it to `crypto.sign` on every
 * login, so OpenSSL 3 decodes the PEM again each time (~0.5 ms of CPU per host, more
 * under load). Swapping in a KeyObject parsed once makes each signature ~10x cheaper;
 * `crypto.sign` accepts either. If ssh2's internals ever change, the key stays as it was.
 */
function preparseSigningKey(key: ParsedKey): void {
  const holder = key as unknown as Record<symbol, unknown>;
  for (const sym of Object.getOwnPropertySymbols(holder)) {
    if (sym.description !== 'Private key PEM') continue;
    const pem = holder[sym];
    if (typeof pem !== 'string') return;
    let obj: KeyObject;
    try {
      obj = createPrivateKey(pem);
    } catch {
      return;
    }
    holder[sym] = obj;
    const check = key.sign(Buffer.from('thump'));
    if (check instanceof Error) holder[sym] = pem;
    return;
  }
}

/** Key files parsed once; per-host files that are missing or unreadable are skipped. */
class KeyRing implements ProbeAuth {
  private cache = new Map<string, Identity | null>();
  constructor(
    private readonly base: readonly Identity[],
    readonly agent: string | undefined,
    readonly agentFirst: boolean,
    private readonly home: string,
  ) {}

  keysFor(target: SweepTarget): readonly Identity[] {
    if (!target.identityFiles || target.identityFiles.length === 0) return this.base;
    const extra: Identity[] = [];
    for (const raw of target.identityFiles) {
      const path = raw.startsWith('~/') ? join(this.home, raw.slice(2)) : raw;
      let id = this.cache.get(path);
      if (id === undefined) {
        try {
          id = loadIdentity(path);
        } catch {
          id = null;
        }
        this.cache.set(path, id);
      }
      if (id && !this.base.includes(id)) extra.push(id);
    }
    return [...extra, ...this.base];
  }
}

/** Builds probe options; throws UsageError for unreadable `-i` files. */
export function createProbeOptions(setup: ProbeSetup = {}): ProbeOptions {
  const env = setup.env ?? process.env;
  const home = setup.home ?? homedir();
  const explicit = setup.identityFiles ?? [];
  let keys: Identity[];
  let agent: string | undefined;
  if (explicit.length > 0) {
    keys = explicit.map(loadIdentity);
    agent = env.SSH_AUTH_SOCK || undefined;
  } else {
    agent = env.SSH_AUTH_SOCK || undefined;
    keys = [];
    for (const name of DEFAULT_KEY_NAMES) {
      const p = join(home, '.ssh', name);
      if (!existsSync(p)) continue;
      try {
        keys.push(loadIdentity(p));
      } catch {
        // An encrypted default key is normal when an agent holds it; skip it like ssh does.
      }
    }
  }
  const opts: ProbeOptions = {
    auth: new KeyRing(keys, agent, explicit.length === 0, home),
    hostKeys: KnownHostsPolicy.load(
      setup.knownHostsFile ?? join(home, '.ssh', 'known_hosts'),
      setup.hostKeyMode ?? 'strict',
    ),
    connectTimeoutMs: setup.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    timeoutMs: setup.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  if (setup.command !== undefined) opts.command = setup.command;
  if (setup.keepaliveIntervalMs !== undefined) opts.keepaliveIntervalMs = setup.keepaliveIntervalMs;
  return opts;
}
