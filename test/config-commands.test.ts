import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runThump, tempDir } from './support/proc.js';

/**
 * The config contract seen through the commands that read thump.yaml: a broken file stops
 * them with exit 2 and the key path before anything starts; `--print-config` shows the
 * effective values (flags > env > file) with secrets hidden.
 */
const dir = tempDir('thump-config-cmd-');
afterAll(() => dir.cleanup());

function file(name: string, text: string): string {
  const p = join(dir.path, name);
  writeFileSync(p, text);
  return p;
}

async function thump(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runThump(args, env);
}

const BROKEN = 'grouping:\n  group_wait: soon\nmonitor:\n  udpp: ["9"]\n';

describe.concurrent('commands reading thump.yaml', () => {
  it.each([['monitor'], ['agent']])(
    'thump %s --config with a broken file exits 2 naming the keys',
    async (cmd) => {
      const path = file(`broken-${cmd}.yaml`, BROKEN);
      const r = await thump([cmd, '--config', path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${path}:2:3: grouping.group_wait: expected a duration`);
      expect(r.stderr).toContain(`${path}:4:3: monitor.udpp: unknown key; did you mean "udp"?`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    },
  );

  it('thump monitor --print-config applies flags over env over the file and hides secrets', async () => {
    const path = file(
      'monitor.yaml',
      'monitor:\n  timeout: 20s\n  legacy_interval: 7s\nhttp:\n  token: abcdefghijklmnop-secret\n',
    );
    const r = await thump(['monitor', '--config', path, '--print-config', '--timeout', '40s'], {
      THUMP_MONITOR__TIMEOUT: '30s',
      THUMP_MONITOR__LEGACY_INTERVAL: '9s',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('timeout: 40s');
    expect(r.stdout).toContain('legacy_interval: 9s');
    expect(r.stdout).toContain('token: <redacted>');
    expect(r.stdout).not.toContain('abcdefghijklmnop');
  });

  it('thump agent --print-config takes THUMP_CONFIG when no --config is given', async () => {
    const path = file('agent.yaml', 'agent:\n  to: [m1.example.org]\n  interval: 2s\n');
    const r = await thump(['agent', '--print-config'], { THUMP_CONFIG: path });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('m1.example.org');
    expect(r.stdout).toContain('interval: 2s');
  });

  it('a bad flag value names the key and the command line', async () => {
    const r = await thump(['agent', '--print-config', '--interval', 'often']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('command line: agent.interval');
  });
});
