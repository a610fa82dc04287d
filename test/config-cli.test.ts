import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runThump, tempDir } from './support/proc.js';

const dir = tempDir('thump-config-cli-');
afterAll(() => dir.cleanup());

function file(name: string, text: string): string {
  const p = join(dir.path, name);
  writeFileSync(p, text);
  return p;
}

/** Runs the built CLI to completion (bounded) and returns its exit code and output. */
async function thump(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runThump(args, env);
}

const VALID = `# a small but real thump.yaml
notifiers:
  - name: ops
    type: webhook
    url: http://127.0.0.1:9000/hook/s3cr3t-path
grouping: { group_wait: 20s, repeat_interval: 4h }
http:
  token: aaaaaaaaaaaaaaaaaaaaaaaa-secret
`;

describe.concurrent('thump check-config', () => {
  it('exits 0 and prints the effective config with secrets redacted', async () => {
    // An empty THUMP_* value counts as unset (shells and compose files produce them).
    const r = await thump(['check-config', file('valid.yaml', VALID)], {
      THUMP_GROUPING__REPEAT_INTERVAL: '',
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid');
    expect(r.stdout).toContain('group_wait: 20s');
    expect(r.stdout).toContain('repeat_interval: 4h');
    expect(r.stdout).toContain('url: http://127.0.0.1:9000/…');
    expect(r.stdout).not.toContain('s3cr3t');
    expect(r.stdout).not.toContain('aaaaaaaa');
  });

  it('applies THUMP_* overrides over the file, unless --no-env', async () => {
    const path = file('env.yaml', VALID);
    const env = { THUMP_GROUPING__GROUP_WAIT: '45s' };
    const withEnv = await thump(['check-config', path], env);
    expect(withEnv.code).toBe(0);
    expect(withEnv.stdout).toContain('group_wait: 45s');
    expect(withEnv.stdout).toContain('THUMP_GROUPING__GROUP_WAIT');
    const without = await thump(['check-config', '--no-env', path], env);
    expect(without.stdout).toContain('group_wait: 20s');
  });

  it('exits 2 and lists every problem with its key path and line', async () => {
    const path = file(
      'broken.yaml',
      'grouping:\n  group_wait: soon\n  repeat_intervall: 4h\nnotifierz: []\n',
    );
    const r = await thump(['check-config', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('thump: invalid configuration (3 errors):');
    expect(r.stderr).toContain(`${path}:2:3: grouping.group_wait: expected a duration`);
    expect(r.stderr).toContain(
      `${path}:3:3: grouping.repeat_intervall: unknown key; did you mean "repeat_interval"?`,
    );
    expect(r.stderr).toContain(`${path}:4:1: notifierz: unknown key; did you mean "notifiers"?`);
  });

  it('prints errors as JSON with --json', async () => {
    const path = file('broken-json.yaml', 'grouping:\n  group_wait: soon\n');
    const r = await thump(['check-config', '--json', path]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(false);
    expect(out.errors).toEqual([
      expect.objectContaining({ path: 'grouping.group_wait', line: 2, column: 3 }),
    ]);
  });

  it('prints the redacted config as JSON with --json', async () => {
    const r = await thump(['check-config', '--json', file('valid-json.yaml', VALID)]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(true);
    expect(out.config.grouping.group_wait).toBe(20_000);
    expect(r.stdout).not.toContain('s3cr3t');
  });

  it('names the env variable when an override is invalid', async () => {
    const r = await thump(['check-config', file('ok.yaml', '')], { THUMP_GROUPING__GROUP_WAIT: 'later' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('env THUMP_GROUPING__GROUP_WAIT: grouping.group_wait: expected a duration');
  });

  it('exits 2 with one line for a YAML syntax error', async () => {
    const path = file('syntax.yaml', 'grouping: [\n');
    const r = await thump(['check-config', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^thump: invalid configuration: ${path}:\\d+:\\d+: YAML syntax error`),
    );
  });

  it('exits 2 for a missing file or a missing argument', async () => {
    const missing = await thump(['check-config', join(dir.path, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: cannot read config file: no such file');
    const noArg = await thump(['check-config']);
    expect(noArg.code).toBe(2);
  });

  it('prints a JSON Schema for editors with --schema', async () => {
    const r = await thump(['check-config', '--schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.grouping.properties.group_wait.default).toBe('10s');
  });

  it('warns about an unreadable *_file path, and fails on it with --strict', async () => {
    const missing = join(dir.path, 'no-such.token');
    const path = file('files.yaml', `http:\n  token_file: ${missing}\n`);
    const lax = await thump(['check-config', path]);
    expect(lax.code).toBe(0);
    expect(lax.stderr).toBe(`thump: warning: http.token_file: ${missing}: no such file\n`);
    const strict = await thump(['check-config', '--strict', path]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`thump: error: http.token_file: ${missing}: no such file`);
  });

  it('builds every notifier with --strict, naming the ones that could not start', async () => {
    const path = file(
      'notifiers.yaml',
      'notifiers:\n  - {name: ops, type: webhook, url_env: THUMP_TEST_UNSET_URL}\n  - {name: ok, type: webhook, url: "http://127.0.0.1:9/"}\n',
    );
    const lax = await thump(['check-config', path]);
    expect(lax.code).toBe(0);
    const strict = await thump(['check-config', '--strict', path], { THUMP_TEST_UNSET_URL: '' });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('thump: error: notifiers[0]: ');
    expect(strict.stderr).toContain('THUMP_TEST_UNSET_URL');
    expect(strict.stderr).not.toContain('notifiers[1]');
  });
});
