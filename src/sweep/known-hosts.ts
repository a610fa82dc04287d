import { createHmac, timingSafeEqual } from 'node:crypto';
import { globMatcher, SSH_PATTERN } from '../util/glob.js';

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

/**
 * Compiles an entry's host field into a test on `knownHostName()` text: a hashed name
 * (`|1|salt|hash`, one HMAC per test) or a pattern list with `*`, `?` and `!` negation.
 */
export function hostFieldMatcher(hosts: string): (name: string) => boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return () => false;
    const want = Buffer.from(hash, 'base64');
    const key = Buffer.from(salt, 'base64');
    return (name) => {
      const got = createHmac('sha1', key).update(name).digest();
      return want.length === got.length && timingSafeEqual(want, got);
    };
  }
  const pats = hosts.split(',').map((raw) => {
    const negated = raw.startsWith('!');
    return { negated, test: globMatcher(negated ? raw.slice(1) : raw, SSH_PATTERN) };
  });
  return (name) => {
    let matched = false;
    for (const p of pats) {
      if (p.test(name)) {
        if (p.negated) return false;
        matched = true;
      }
    }
    return matched;
  };
}

/** True when the entry's host field names `host:port` (hashed or pattern list). */
export function entryMatches(hosts: string, host: string, port: number): boolean {
  return hostFieldMatcher(hosts)(knownHostName(host, port));
}

/** Plain host names of a field with no wildcard, negation or hash (lower-cased), else undefined. */
function literalNames(hosts: string): string[] | undefined {
  if (hosts.startsWith('|') || /[*?!]/.test(hosts)) return undefined;
  return hosts.split(',').map((n) => n.toLowerCase());
}

/**
 * known_hosts entries indexed for lookups by host: plain names (most lines) through a map,
 * only wildcard, negated and hashed fields are tested one by one, each compiled once.
 * A sweep asks twice per host (key types to offer, then the key), so the last answer is
 * kept. Order is file order (then appended entries), which decides which line a
 * "changed" report names.
 */
export class KnownHostsIndex {
  private readonly byName = new Map<string, Array<{ seq: number; entry: KnownHostEntry }>>();
  private readonly scanned: Array<{
    seq: number;
    entry: KnownHostEntry;
    matches: (name: string) => boolean;
  }> = [];
  private readonly revokedEntries: KnownHostEntry[] = [];
  private seq = 0;
  private last: { name: string; entries: KnownHostEntry[] } | undefined;

  constructor(entries: readonly KnownHostEntry[] = []) {
    this.add(entries);
  }

  add(entries: readonly KnownHostEntry[]): void {
    this.last = undefined;
    for (const entry of entries) {
      const seq = this.seq++;
      if (entry.marker === '@revoked') {
        this.revokedEntries.push(entry);
        continue;
      }
      if (entry.marker) continue; // @cert-authority: certificates are not supported
      const names = literalNames(entry.hosts);
      if (!names) {
        this.scanned.push({ seq, entry, matches: hostFieldMatcher(entry.hosts) });
        continue;
      }
      for (const n of new Set(names)) {
        const list = this.byName.get(n);
        if (list) list.push({ seq, entry });
        else this.byName.set(n, [{ seq, entry }]);
      }
    }
  }

  /** `@revoked` entries (they apply to every host). */
  get revoked(): readonly KnownHostEntry[] {
    return this.revokedEntries;
  }

  /** Unmarked entries whose host field names host:port, in file order. */
  matching(host: string, port: number): readonly KnownHostEntry[] {
    const name = knownHostName(host, port);
    if (this.last?.name === name) return this.last.entries;
    const hits = [...(this.byName.get(name.toLowerCase()) ?? [])];
    for (const s of this.scanned) if (s.matches(name)) hits.push(s);
    if (hits.length > 1) hits.sort((a, b) => a.seq - b.seq);
    const entries = hits.map((h) => h.entry);
    this.last = { name, entries };
    return entries;
  }
}

const asIndex = (e: KnownHostsIndex | readonly KnownHostEntry[]) =>
  e instanceof KnownHostsIndex ? e : new KnownHostsIndex(e);

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
  entries: KnownHostsIndex | readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): HostKeyLookup {
  const index = asIndex(entries);
  for (const e of index.revoked) if (e.key.equals(key)) return { status: 'revoked', line: e.line };
  const type = keyBlobType(key);
  let changed: { line: number; keyType: string } | undefined;
  let known = false;
  for (const e of index.matching(host, port)) {
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
  entries: KnownHostsIndex | readonly KnownHostEntry[],
  host: string,
  port: number,
): string[] | undefined {
  const algos = new Set<string>();
  for (const e of asIndex(entries).matching(host, port)) {
    const a = ALGOS_FOR_TYPE[e.keyType];
    if (a) for (const x of a) algos.add(x);
  }
  return algos.size > 0 ? [...algos] : undefined;
}

/** The line `--accept-new` appends for a newly trusted host. */
export function knownHostsLine(host: string, port: number, key: Buffer): string {
  return `${knownHostName(host, port)} ${keyBlobType(key) ?? 'unknown'} ${key.toString('base64')}\n`;
}
