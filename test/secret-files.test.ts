import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSecret } from './support/monitor-harness.js';
import {
  freeTcpPort,
  freeUdpPort,
  runThump,
  spawnProc,
  THUMP_BIN,
  tempDir,
  waitFor,
} from './support/proc.js';

/**
 * Issue 17, reproductions 7 and 9: `check-config --strict` judges secret and token files
 * exactly as the monitor does (one reader), and every file thump creates with secrets or
 * fleet data is 0600 even under a permissive umask.
 */

const dir = tempDir('thump-secret-files-');
afterAll(() => dir.cleanup());

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8).padStart(4, '0');
const GOOD = 'a-perfectly-good-secret-0123456789abcdef';

function file(name: string, text: string, m: number): string {
  const p = join(dir.path, name);
  writeFileSync(p, text);
  chmodSync(p, m);
  return p;
}

function config(name: string, yaml: string): string {
  const p = join(dir.path, name);
  writeFileSync(p, yaml);
  return p;
}

/** Runs a thump subcommand under `umask 000` (sh sets it, then execs node). */
function underOpenUmask(args: string[]) {
  const quoted = [process.execPath, THUMP_BIN, ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  return spawnProc('sh', ['-c', `umask 000 && exec ${quoted}`], { THUMP_CONFIG: '' });
}

describe('check-config --strict and the monitor refuse the same secret files', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'a 0644 monitor.secret_file',
      `monitor:\n  secret_file: ${file('loose.secret', `${GOOD}\n`, 0o644)}\n`,
      /monitor\.secret_file: secret file .*loose\.secret is accessible by group or others \(mode 0644\); run: chmod 600/,
    ],
    [
      'an empty monitor.secret_file',
      `monitor:\n  secret_file: ${file('empty.secret', '\n# only a comment\n', 0o600)}\n`,
      /monitor\.secret_file: secret file .*empty\.secret is empty/,
    ],
    [
      'an empty http.token_file',
      `monitor:\n  secret_file: ${file('ok1.secret', `${GOOD}\n`, 0o600)}\nhttp:\n  token_file: ${file('empty.token', '', 0o600)}\n`,
      /http\.token_file: secret file .*empty\.token is empty/,
    ],
    [
      'a 0644 http.token_file',
      `monitor:\n  secret_file: ${file('ok2.secret', `${GOOD}\n`, 0o600)}\nhttp:\n  token_file: ${file('loose.token', `${GOOD}\n`, 0o644)}\n`,
      /http\.token_file: secret file .*loose\.token is accessible by group or others \(mode 0644\)/,
    ],
  ];

  it.each(cases)('%s', async (name, yaml, message) => {
    const path = config(`${name.replaceAll(/\W+/g, '-')}.yaml`, yaml);
    const lax = await runThump(['check-config', path], { THUMP_CONFIG: '' });
    expect(lax.code).toBe(0);
    expect(lax.stderr).toMatch(new RegExp(`^thump: warning: ${message.source}`, 'm'));
    const strict = await runThump(['check-config', '--strict', path], { THUMP_CONFIG: '' });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(new RegExp(`^thump: error: ${message.source}`, 'm'));

    // The monitor refuses to start on the same file, with the same words.
    const udp = await freeUdpPort();
    const http = await freeTcpPort();
    const mon = await runThump(
      [
        'monitor',
        '--config',
        path,
        '--udp',
        `127.0.0.1:${udp}`,
        '--http',
        `127.0.0.1:${http}`,
        '--db',
        join(dir.path, `${name.replaceAll(/\W+/g, '-')}.db`),
      ],
      { THUMP_CONFIG: '' },
      30_000,
    );
    expect(mon.code).toBe(2);
    expect(mon.stderr).toMatch(message);
  });

  it('accepts good files in both', async () => {
    const path = config(
      'good.yaml',
      `monitor:\n  secret_file: ${file('good.secret', `${GOOD}\n`, 0o600)}\nhttp:\n  token_file: ${file('good.token', `${GOOD}\n`, 0o600)}\n`,
    );
    const strict = await runThump(['check-config', '--strict', path], { THUMP_CONFIG: '' });
    expect(strict.stderr).toBe('');
    expect(strict.code).toBe(0);
  });
});

describe('files created under umask 000', () => {
  it('keygen --out writes 0600, and --force over a 0644 file leaves 0600', async () => {
    const out = join(dir.path, 'keygen.secret');
    const first = underOpenUmask(['keygen', '--out', out]);
    expect(await first.exited).toBe(0);
    expect(mode(out)).toBe('0600');
    chmodSync(out, 0o644);
    const again = underOpenUmask(['keygen', '--out', out, '--force']);
    expect(await again.exited).toBe(0);
    expect(mode(out)).toBe('0600');
  });

  it('the monitor creates its database, WAL, SHM and API token 0600', async () => {
    const data = join(dir.path, 'umask-data');
    const secret = writeSecret(dir.path, 'umask.secret');
    const udp = await freeUdpPort();
    const http = await freeTcpPort();
    const p = underOpenUmask([
      'monitor',
      '--udp',
      `127.0.0.1:${udp}`,
      '--http',
      `127.0.0.1:${http}`,
      '--db',
      join(data, 'thump.db'),
      '--secret-file',
      secret,
    ]);
    try {
      await waitFor(
        async () => {
          if (p.child.exitCode !== null) throw new Error(`monitor exited: ${p.stderr()}`);
          return (await fetch(`http://127.0.0.1:${http}/healthz`)).ok;
        },
        'the monitor to answer /healthz',
        45_000,
        100,
      );
      for (const f of ['thump.db', 'thump.db-wal', 'thump.db-shm', 'api-token']) {
        const path = join(data, f);
        expect(existsSync(path), `${f} exists`).toBe(true);
        expect(`${f} ${mode(path)}`).toBe(`${f} 0600`);
      }
    } finally {
      await p.stop('SIGTERM');
    }
  });
});

describe("thump start's generated secret", () => {
  it('is 0600 under umask 000', async () => {
    const { ensureSecret } = await import('../src/cli/start.js');
    const path = join(dir.path, 'start-data', 'secret');
    const old = process.umask(0);
    try {
      expect(ensureSecret(path)).toBe(true);
    } finally {
      process.umask(old);
    }
    expect(mode(path)).toBe('0600');
    expect(ensureSecret(path)).toBe(false); // never overwritten
  });
});
