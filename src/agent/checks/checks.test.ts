import { describe, expect, it } from 'vitest';
import { nagiosResult } from './command.js';
import { diskCheck, parseMounts, usedPercent } from './disk.js';
import { loadResult } from './load.js';
import { memoryCheck, memoryFromMeminfo } from './memory.js';
import { checksConfigSchema, createChecks } from './registry.js';
import { subId } from './types.js';

describe('nagiosResult', () => {
  it.each([
    [{ code: 0, stdout: 'OK - all good | time=0.1s\nmore' }, 0, 'OK - all good'],
    [{ code: 1, stdout: 'WARNING - 91% used\n' }, 1, 'WARNING - 91% used'],
    [{ code: 2, stdout: '\nCRITICAL - raid degraded' }, 2, 'CRITICAL - raid degraded'],
    [{ code: 3, stdout: '' }, 3, 'exit 3 without output'],
    [{ code: 2, stdout: '', stderr: 'oops\n' }, 2, 'oops'],
    [
      { code: 127, stdout: '', stderr: 'sh: 1: nope: not found' },
      3,
      'command not found: sh: 1: nope: not found',
    ],
    [{ code: 42, stdout: 'weird' }, 3, 'exit 42: weird'],
    [{ signal: 'SIGSEGV', stdout: '' }, 3, 'killed by SIGSEGV'],
  ])('maps %j to severity %i', (r, severity, text) => {
    expect(nagiosResult({ stderr: '', aborted: false, ...r })).toEqual({ severity, text });
  });
});

describe('disk, memory and load helpers', () => {
  it('lists disk filesystems once each, decoding escaped spaces', () => {
    const mounts = [
      'sysfs /sys sysfs rw 0 0',
      'proc /proc proc rw 0 0',
      '/dev/sda1 / ext4 rw,relatime 0 0',
      '/dev/sda1 /var/lib/docker/x ext4 rw 0 0',
      '/dev/sdb1 /mnt/my\\040data xfs rw 0 0',
      'tmpfs /run tmpfs rw 0 0',
      'server:/export /nfs nfs4 rw 0 0',
    ].join('\n');
    expect(parseMounts(mounts)).toEqual(['/', '/mnt/my data']);
  });

  it('computes used percent like df (reserved blocks count as unavailable)', () => {
    expect(usedPercent({ blocks: 100, bfree: 20, bavail: 15 })).toBeCloseTo((80 / 95) * 100);
    expect(usedPercent({ blocks: 0, bfree: 0, bavail: 0 })).toBe(0);
  });

  it('prefers MemAvailable and estimates it on old kernels', () => {
    expect(memoryFromMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\n')).toEqual({
      total: 1024000,
      available: 614400,
    });
    expect(memoryFromMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n')).toEqual(
      {
        total: 1024000,
        available: 409600,
      },
    );
    expect(memoryFromMeminfo('nothing')).toBeUndefined();
  });

  it('judges load per core', () => {
    const [cfg] = checksConfigSchema.parse([{ type: 'load', period: 1 }]);
    if (cfg?.type !== 'load') throw new Error('expected a load config');
    expect(loadResult(cfg, [7, 1, 1], 4)).toEqual({
      severity: 0,
      text: 'load1 7.00 on 4 cores (1.75 per core)',
    });
    expect(loadResult(cfg, [9, 1, 1], 4).severity).toBe(1);
    expect(loadResult(cfg, [16, 1, 1], 4).severity).toBe(2);
  });

  it('keeps result ids within the 32-byte wire limit', () => {
    expect(subId('disk', '/')).toBe('disk:/');
    const long = subId('disk', '/srv/very/long/mount/point/for/backups');
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(32);
    expect(long.endsWith('backups')).toBe(true);
  });
});

describe('disk and memory checks on this machine', () => {
  it('reads the root filesystem and reports a missing mount as UNKNOWN', async () => {
    const run = diskCheck.create(diskCheck.schema.parse({ type: 'disk', mounts: ['/', '/no/such/mount'] }));
    const [root, missing] = await run(new AbortController().signal);
    expect(root?.id).toBe('disk:/');
    expect(root?.text).toMatch(/^\/ \d+% used \([\d.]+ GiB of [\d.]+ GiB\)$/);
    expect(missing).toEqual({ id: 'disk:/no/such/mount', severity: 3, text: '/no/such/mount: ENOENT' });
  });

  it('judges memory from /proc/meminfo', async () => {
    const run = memoryCheck.create(memoryCheck.schema.parse({ type: 'memory', warn: 0, crit: 100 }));
    const [r] = await run(new AbortController().signal);
    expect(r).toMatchObject({ id: 'memory', severity: 1 });
    expect(r?.text).toMatch(/^memory \d+% used \(\d+ MiB available of \d+ MiB\)$/);
  });
});

describe('checks config', () => {
  it("accepts issue 3's short form as a command check with defaults", () => {
    const [c] = checksConfigSchema.parse([
      { name: 'raid', command: '/usr/lib/nagios/plugins/check_raid', interval: '60s' },
    ]);
    expect(c).toEqual({
      type: 'command',
      name: 'raid',
      command: '/usr/lib/nagios/plugins/check_raid',
      interval: 60_000,
      timeout: 10_000,
      timeout_state: 'critical',
    });
  });

  it('names the offending key path', () => {
    const bad = checksConfigSchema.safeParse([
      { type: 'disk', warn: 99, crit: 90 },
      { type: 'disk' },
      { type: 'fan' },
    ]);
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('0.warn');
    expect(paths).toContain('2.type');
    const dup = checksConfigSchema.safeParse([{ type: 'disk' }, { type: 'disk' }]);
    expect(dup.error?.issues[0]?.message).toMatch(/duplicate check name "disk"/);
  });

  it('builds runnable checks with their schedule', () => {
    const checks = createChecks(
      checksConfigSchema.parse([
        { type: 'memory', interval: '30s' },
        { name: 'x', command: 'true', timeout_state: 'unknown' },
      ]),
    );
    expect(checks.map((c) => [c.name, c.type, c.intervalMs, c.timeoutSeverity])).toEqual([
      ['memory', 'memory', 30_000, 2],
      ['x', 'command', 60_000, 3],
    ]);
  });
});
