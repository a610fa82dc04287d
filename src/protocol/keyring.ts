import { createHash, randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';
import { type HmacSha256, hmacFor } from './hmac.js';
import type { Key } from './types.js';

/** Shortest secret accepted, in bytes (a generated one has 43). */
export const MIN_SECRET_BYTES = 16;

/** A key ready for the hot path: the secret with its prepared MAC. */
export interface PreparedKey {
  key: Key;
  mac: HmacSha256;
}

/**
 * The 16-bit key id of a secret: the first two bytes of SHA-256("thump-key-id\0" || secret).
 * Deriving it means operators never configure ids; two bytes of a hash reveal nothing useful
 * about a secret of >= 16 random bytes. Collisions are harmless: the keyring tries each key
 * that shares an id.
 */
export function keyIdFor(secret: Buffer): number {
  return createHash('sha256').update('thump-key-id\0').update(secret).digest().readUInt16BE(0);
}

/** A new random secret as printable text (32 random bytes, base64url: 43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Turns secret text (a secret file's line or `THUMP_SECRET`) into a Key. The secret is the
 * UTF-8 bytes of the trimmed text, so any printable passphrase of >= 16 bytes works.
 * `what` names the source in the error (never the secret itself).
 */
export function keyFromSecret(text: string, what = 'secret'): Key {
  const secret = Buffer.from(text.trim(), 'utf8');
  if (secret.length === 0) throw new UsageError(`${what} is empty; create one with: thump keygen --out FILE`);
  if (secret.length < MIN_SECRET_BYTES) {
    throw new UsageError(
      `${what} is too short (${secret.length} bytes, need at least ${MIN_SECRET_BYTES}); create one with: thump keygen --out FILE`,
    );
  }
  return { id: keyIdFor(secret), secret };
}

/**
 * The secrets a monitor accepts, by key id. Holding several at once is how secrets rotate
 * without downtime: add the new key to every monitor, move agents over, remove the old one.
 */
export class Keyring {
  private readonly byId = new Map<number, PreparedKey[]>();
  private readonly order: Key[] = [];

  constructor(keys: Key | Iterable<Key> = []) {
    if ('secret' in keys) this.add(keys);
    else for (const k of keys) this.add(k);
  }

  /** Adds a key; the first one added is the primary (the one an encoder should send with). */
  add(key: Key): void {
    const list = this.byId.get(key.id) ?? [];
    if (list.some((p) => p.key.secret.equals(key.secret))) return;
    list.push({ key, mac: hmacFor(key.secret) });
    this.byId.set(key.id, list);
    this.order.push(key);
  }

  /** Removes every key with this id; true if one was there. */
  remove(id: number): boolean {
    const had = this.byId.delete(id);
    for (let i = this.order.length - 1; i >= 0; i--) if (this.order[i]?.id === id) this.order.splice(i, 1);
    return had;
  }

  /** Keys that carry this id on the wire (normally one), or undefined. Hot path: no allocation. */
  candidates(id: number): readonly PreparedKey[] | undefined {
    return this.byId.get(id);
  }

  /** The first key added (what a sender uses), if any. */
  primary(): Key | undefined {
    return this.order[0];
  }

  get size(): number {
    return this.order.length;
  }

  /** Key ids in insertion order (for logs and /metrics; never the secrets). */
  ids(): number[] {
    return this.order.map((k) => k.id);
  }
}
