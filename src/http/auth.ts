import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ResourceError, UsageError } from '../errors.js';
import { readSecretText } from '../util/secret-file.js';
import { HttpError } from './http-error.js';

/**
 * Reads the API token from `path`, or creates one (32 random bytes, base64url) with mode
 * 0600 when the file does not exist yet: the "generated on first run, stored next to the
 * db" token. Returns the token and whether it was just created.
 */
export function loadOrCreateToken(path: string): { token: string; created: boolean } {
  if (existsSync(path)) {
    // The one secret-file reader: private (0600, ours or root's) and not empty.
    const text = readSecretText(path, { key: 'API token file', access: 'private' });
    const token = text.split(/\r?\n/)[0]?.trim() ?? '';
    if (token.length < 16)
      throw new UsageError(
        `API token file ${path} must hold a token of at least 16 characters on its first line`,
      );
    return { token, created: false };
  }
  const token = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateToken(path);
    throw new ResourceError(`cannot write API token file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { token, created: true };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A preHandler that lets a request through only with `Authorization: Bearer <token>`.
 * Compared in constant time (on digests, so lengths leak nothing). Never echoes the token.
 */
export function bearerGuard(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.header('cache-control', 'no-store');
    if (!expected) throw new HttpError(401, 'write access is disabled: no API token is configured');
    const header = req.headers.authorization;
    const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) {
      reply.header('www-authenticate', 'Bearer realm="thump"');
      throw new HttpError(401, 'missing bearer token: send Authorization: Bearer <token>');
    }
    if (!timingSafeEqual(digest(m[1] as string), expected)) {
      reply.header('www-authenticate', 'Bearer realm="thump", error="invalid_token"');
      throw new HttpError(401, 'invalid bearer token');
    }
  };
}
