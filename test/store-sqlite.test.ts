import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { openStore } from '../src/store/open.js';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { tempDir } from './support/proc.js';
import { storeConformance } from './support/store-conformance.js';
import { ev, rowsFor } from './support/store-fixtures.js';

const dir = tempDir('thump-store-sqlite-');
afterAll(() => dir.cleanup());
let n = 0;

storeConformance({
  name: 'SQLite',
  freshTarget: async () => join(dir.path, `t${++n}`, 'thump.db'),
  open: (target) => openStore(target),
  setSchemaVersion: async (target, domain, version) => {
    const db = new Database(target);
    db.prepare('UPDATE schema_versions SET version = ? WHERE domain = ?').run(version, domain);
    db.close();
  },
  additionalTests: ({ fresh }) => {
    it('keeps the file in WAL mode', async () => {
      const s = await fresh();
      expect(s).toBeInstanceOf(SqliteStore);
      expect((s as SqliteStore).db.pragma('journal_mode', { simple: true })).toBe('wal');
    });

    it('writes events and their outbox rows to the one file, seen by another handle', async () => {
      const s = (await fresh()) as SqliteStore;
      s.events.onRecorded((events) => rowsFor(events, ['n']));
      await s.events.record([ev('down', 'a', 1)]);
      const raw = new Database(s.db.name, { readonly: true });
      try {
        expect(raw.prepare('SELECT host_id FROM events').all()).toEqual([{ host_id: 'a' }]);
        expect(raw.prepare(`SELECT COUNT(*) AS n FROM notify_outbox WHERE state = 'pending'`).get()).toEqual({
          n: 1,
        });
      } finally {
        raw.close();
      }
    });
  },
});

describe('openStore targets', () => {
  it('opens a path as SQLite (the default, no server)', async () => {
    const path = join(dir.path, 'plain', 'x.db');
    const s = await openStore(path);
    expect(s.kind).toBe('sqlite');
    expect(s.target).toBe(path);
    await s.close();
    expect(existsSync(path)).toBe(true);
  });

  it.each([
    ['mysql://u:pw@h/db', /"mysql:\/\/" scheme is not supported/],
    ['sqlite://x.db', /"sqlite:\/\/" scheme is not supported/],
    ['postgres://u:pw@[::1/db', /not a valid PostgreSQL URL/],
    ['postgres:///db', /names no host/],
    ['postgres://h/db?sslmode=sometimes', /sslmode "sometimes" is not one of/],
    ['postgres://h/db?sslmode=verify-full', /needs a CA file/],
  ])('refuses %s with a ConfigError (exit 2) and never creates a file', async (target, message) => {
    const cwd = process.cwd();
    process.chdir(dir.path);
    try {
      const err = await openStore(target).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('pw');
      expect(existsSync(join(dir.path, target.split(':')[0] ?? 'x'))).toBe(false);
      expect(existsSync(join(dir.path, `${target.split(':')[0]}:`))).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });
});
