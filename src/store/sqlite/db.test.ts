import { describe, expect, it } from 'vitest';
import { migrate, openDb } from './db.js';

describe('migrate', () => {
  it('runs each domain step once and records its version', () => {
    let runs = 0;
    const domain = {
      domain: 'demo',
      steps: [
        (db: import('./db.js').Db) => {
          runs++;
          db.exec('CREATE TABLE demo (x INTEGER)');
        },
      ],
    };
    const db = openDb(':memory:', [domain]);
    migrate(db, [domain]);
    expect(runs).toBe(1);
    const row = db.prepare('SELECT version FROM schema_versions WHERE domain = ?').get('demo');
    expect(row).toEqual({ version: 1 });
    db.close();
  });

  it('refuses a database newer than the code', () => {
    const db = openDb(':memory:', [{ domain: 'demo', steps: [() => {}, () => {}] }]);
    expect(() => migrate(db, [{ domain: 'demo', steps: [() => {}] }])).toThrow(/newer than this thump/);
    db.close();
  });

  it('refuses a URL instead of creating a file named after it', () => {
    expect(() => openDb('postgres://thump:pw@127.0.0.1:5432/thump', [])).toThrow(
      /"postgres:\/\/thump:\*\*\*@127\.0\.0\.1:5432\/thump": this command opens SQLite files only/,
    );
    expect(() => openDb('mysql://h/db', [])).toThrow(/"mysql:\/\/" scheme is not supported/);
  });
});
