import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  hostKeyAlgorithmsFor,
  KnownHostsIndex,
  keyBlobType,
  knownHostName,
  knownHostsLine,
  lookupHostKey,
  parseKnownHosts,
} from './known-hosts.js';

/** strict: only known keys; accept-new: trust unknown hosts once (TOFU); ignore: no check. */
export type HostKeyMode = 'strict' | 'accept-new' | 'ignore';

/** Decides on a server's host key before any login attempt. */
export interface HostKeyVerifier {
  /** Undefined when the key is acceptable, otherwise why not (no login follows). */
  verify(host: string, port: number, key: Buffer): string | undefined;
  /** Host key algorithms to offer this host (undefined: library defaults). */
  algorithmsFor(host: string, port: number): string[] | undefined;
}

/**
 * The known_hosts file as a policy: loaded once, consulted per handshake, and (with
 * accept-new) appended to as new hosts are trusted. One instance serves a whole sweep,
 * so a host seen twice is only appended once.
 */
export class KnownHostsPolicy implements HostKeyVerifier {
  private readonly entries: KnownHostsIndex;

  constructor(
    readonly path: string,
    readonly mode: HostKeyMode,
    text?: string,
  ) {
    this.entries = new KnownHostsIndex(parseKnownHosts(text ?? ''));
  }

  /** Reads `path` (a missing file is an empty one: every host is new). */
  static load(path: string, mode: HostKeyMode): KnownHostsPolicy {
    const text = mode !== 'ignore' && existsSync(path) ? readFileSync(path, 'utf8') : '';
    return new KnownHostsPolicy(path, mode, text);
  }

  verify(host: string, port: number, key: Buffer): string | undefined {
    if (this.mode === 'ignore') return undefined;
    const r = lookupHostKey(this.entries, host, port, key);
    const name = knownHostName(host, port);
    switch (r.status) {
      case 'known':
        return undefined;
      case 'revoked':
        return `host key for ${name} is marked @revoked in ${this.path}:${r.line}`;
      case 'changed':
        return `HOST KEY CHANGED for ${name}: the server's ${r.keyType} key differs from ${this.path}:${r.line} (possible man-in-the-middle; if the host was reinstalled, remove that line); no login attempted`;
      case 'unknown':
        if (this.mode === 'accept-new') {
          this.trust(host, port, key);
          return undefined;
        }
        return `no ${keyBlobType(key) ?? ''} host key known for ${name} in ${this.path}; add it (ssh-keyscan) or use --accept-new`;
    }
  }

  algorithmsFor(host: string, port: number): string[] | undefined {
    if (this.mode === 'ignore') return undefined;
    return hostKeyAlgorithmsFor(this.entries, host, port);
  }

  private trust(host: string, port: number, key: Buffer): void {
    const line = knownHostsLine(host, port, key);
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, line, { mode: 0o644 });
    this.entries.add(parseKnownHosts(line));
  }
}
