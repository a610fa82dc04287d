import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Pure OpenSSH known_hosts handling: parsing (plain, `[host]:port`, wildcard and
 * negated patterns, hashed `|1|salt|hash` names, `@revoked`), and the lookup that
 * decides whether a server's host key is known, changed, revoked or new.
 * See sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT".
 */

export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority';
  /** The host field as written (comma list of patterns, or one hashed name). */
  hosts: string;
  keyType: string;
  key: Buffer;
  line: number;
}

/** Parses known_hosts text; malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t === '' || t.startsWith('#')) continue;
    const f = t.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (f[0] === '@revoked' || f[0] === '@cert-authority') marker = f.shift() as KnownHostEntry['marker'];
    if (f.length < 3) continue;
    const key = Buffer.from(f[2] as string, 'base64');
    if (key.length === 0) continue;
    const entry: KnownHostEntry = { hosts: f[0] as string, keyType: f[1] as string, key, line: i + 1 };
    if (marker) entry.marker = marker;
    out.push(entry);
  }
  return out;
}

/** The name known_hosts uses for host:port (`host` for 22, `[host]:port` otherwise). */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const esc = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${esc}$`, 'i');
}

/** True when the entry's host field names `host:port` (hashed or pattern list). */
export function entryMatches(hosts: string, host: string, port: number): boolean {
  const name = knownHostName(host, port);
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const want = Buffer.from(hash, 'base64');
    const got = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return want.length === got.length && timingSafeEqual(want, got);
  }
  let matched = false;
  for (const raw of hosts.split(',')) {
    const negated = raw.startsWith('!');
    const pat = negated ? raw.slice(1) : raw;
    if (globToRegExp(pat).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ssh-rsa`...). */
export function keyBlobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (n > 64 || blob.length < 4 + n) return undefined;
  return blob.subarray(4, 4 + n).toString('latin1');
}

export type HostKeyLookup =
  | { status: 'known' }
  | { status: 'unknown' }
  | { status: 'revoked'; line: number }
  | { status: 'changed'; line: number; keyType: string };

/**
 * Decides what the client should do with `key` offered by host:port: known (go on),
 * unknown (strict: refuse; accept-new: trust and record), changed or revoked (refuse,
 * never log in).
 */
export function lookupHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): HostKeyLookup {
  const type = keyBlobType(key);
  let changed: { line: number; keyType: string } | undefined;
  let known = false;
  for (const e of entries) {
    if (e.marker === '@revoked') {
      if (e.key.equals(key)) return { status: 'revoked', line: e.line };
      continue;
    }
    if (e.marker === '@cert-authority') continue;
    if (!entryMatches(e.hosts, host, port)) continue;
    if (e.key.equals(key)) known = true;
    else if (e.keyType === type && !changed) changed = { line: e.line, keyType: e.keyType };
  }
  if (known) return { status: 'known' };
  if (changed) return { status: 'changed', ...changed };
  return { status: 'unknown' };
}

const ALGOS_FOR_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
};

/**
 * Host key algorithms to offer for a host already in known_hosts, like OpenSSH does:
 * ask for the key types we hold so a server with several host keys shows the one we
 * can check (otherwise a server preferring ed25519 over a recorded RSA key would look
 * "unknown"). Undefined when nothing is recorded (offer ssh2's defaults).
 */
export function hostKeyAlgorithmsFor(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
): string[] | undefined {
  const algos = new Set<string>();
  for (const e of entries) {
    if (e.marker) continue;
    const a = ALGOS_FOR_TYPE[e.keyType];
    if (a && entryMatches(e.hosts, host, port)) for (const x of a) algos.add(x);
  }
  return algos.size > 0 ? [...algos] : undefined;
}

/** The line `--accept-new` appends for a newly trusted host. */
export function knownHostsLine(host: string, port: number, key: Buffer): string {
  return `${knownHostName(host, port)} ${keyBlobType(key) ?? 'unknown'} ${key.toString('base64')}\n`;
}
