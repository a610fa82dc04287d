import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadThumpConfigLazily } from '../cli/lazy-config.js';
import {
  hasConfigInput,
  type ProbeFlags,
  type SweepExtra,
  sweepSectionFromConfig,
  sweepSectionFromFlags,
  withSweepConfig,
} from './flag-config.js';

const CASES: Array<[string, ProbeFlags, SweepExtra]> = [
  ['no flags', { identity: [] }, {}],
  [
    'every shared flag, relative and ~ paths',
    {
      identity: ['keys/a', '~/.ssh/b', '/abs/c'],
      concurrency: '7',
      connectTimeout: '2s',
      timeout: '1m30s',
      knownHosts: 'kh',
      acceptNew: true,
      redis: 'redis://127.0.0.1:1/2',
    },
    { ssh_config_file: '~/cfg', db_path: 'out/s.db' },
  ],
  [
    'insecure host keys, bare-second durations',
    { identity: [], insecureIgnoreHostKeys: true, timeout: '5' },
    {},
  ],
  ['extra keys given as undefined', { identity: [] }, { ssh_config_file: undefined, db_path: undefined }],
];

describe('sweep flags without a config file', () => {
  it.each(CASES)(
    'gives what the config loader gives with no file and no variables: %s',
    async (_n, f, extra) => {
      const fast = sweepSectionFromFlags(f, extra);
      expect(fast).toEqual(await sweepSectionFromConfig(f, extra, {}, loadThumpConfigLazily));
    },
  );

  it('makes relative paths absolute against the working directory, ~ against home', () => {
    const cfg = sweepSectionFromFlags(
      { identity: ['k', '~/.ssh/k2'], knownHosts: 'kh' },
      { db_path: 'x.db' },
    );
    expect(cfg.identity_files).toEqual([resolve('k'), resolve(homedir(), '.ssh/k2')]);
    expect(cfg.known_hosts_file).toBe(resolve('kh'));
    expect(cfg.db_path).toBe(resolve('x.db'));
  });

  it('uses the loader whenever a file or a THUMP_ override could change the answer', () => {
    const none: ProbeFlags = { identity: [] };
    expect(hasConfigInput(none, {})).toBe(false);
    expect(hasConfigInput(none, { THUMP_SECRET: 's', THUMP_CONFIG: '', THUMP_SWEEP__TIMEOUT: '' })).toBe(
      false,
    );
    expect(hasConfigInput({ ...none, config: 'thump.yaml' }, {})).toBe(true);
    expect(hasConfigInput(none, { THUMP_CONFIG: '/etc/thump.yaml' })).toBe(true);
    expect(hasConfigInput(none, { THUMP_SWEEP__TIMEOUT: '3s' })).toBe(true);
    expect(hasConfigInput(none, { THUMP_MONITOR__DB: '/x.db' })).toBe(true);
  });

  it('still takes THUMP_SWEEP__ variables, and flags still win over them', async () => {
    const env = { THUMP_SWEEP__TIMEOUT: '3s', THUMP_SWEEP__CONCURRENCY: '9' };
    const { flags } = await withSweepConfig<ProbeFlags>(
      { identity: [], concurrency: '4' },
      loadThumpConfigLazily,
      {},
      env,
    );
    expect(flags.timeout).toBe('3000ms');
    expect(flags.concurrency).toBe('4');
  });

  it('leaves a concurrency the schema refuses to the loader, which names the key', async () => {
    await expect(
      withSweepConfig({ identity: [], concurrency: '100001' }, loadThumpConfigLazily, {}, {}),
    ).rejects.toThrow(/sweep\.concurrency/);
  });
});
