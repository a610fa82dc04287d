import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../test/support/cli.js';
import { ConfigError } from '../errors.js';
import { register } from './check-config.js';

const dir = mkdtempSync(join(tmpdir(), 'thump-check-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `thump check-config ARGS` in-process; returns what it printed or threw and the exit code. */
async function checkConfig(text: string, args: string[] = []) {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  const { stdout, error } = await runCommand(register, ['check-config', file, ...args]);
  const code = error instanceof ConfigError ? error.exitCode : (process.exitCode ?? 0);
  return { file, stdout, error, code };
}

describe('thump check-config on address keys', () => {
  it.each([
    [
      'monitor:\n  udp: ["43278", abc]\n',
      ':2:18: monitor.udp[1]: "abc" is not a UDP listen address; use PORT, ADDR:PORT or [V6ADDR]:PORT',
    ],
    [
      'http:\n  listen: nowhere\n',
      ':2:3: http.listen: expected ADDR:PORT such as 127.0.0.1:8080 or [::1]:8080, got "nowhere"',
    ],
    ['agent:\n  to: ["bad host"]\n', ':2:8: agent.to[0]: "bad host" is not HOST[:PORT]'],
  ])('exits 2 with one line naming the key for %j', async (text, tail) => {
    const r = await checkConfig(text);
    expect(r.code).toBe(2);
    expect(r.error?.message).toBe(`invalid configuration: ${r.file}${tail}`);
    expect(r.stdout).toBe('');
  });

  it('lists the bad address in --json output and exits 2', async () => {
    const r = await checkConfig('monitor:\n  udp: [abc]\n', ['--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).errors).toEqual([
      {
        path: 'monitor.udp[0]',
        message: '"abc" is not a UDP listen address; use PORT, ADDR:PORT or [V6ADDR]:PORT',
        source: `${r.file}:2:9`,
        line: 2,
        column: 9,
      },
    ]);
  });

  it('accepts good addresses', async () => {
    const r = await checkConfig(
      'monitor:\n  udp: ["[::]:43278"]\nhttp:\n  listen: off\nagent:\n  to: ["[::1]:43278"]\n',
      ['--no-env'],
    );
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid');
  });
});
