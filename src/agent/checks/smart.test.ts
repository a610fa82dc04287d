import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeSmart, parseSmartScan, smartCheck } from './smart.js';

const header = `smartctl 7.3 2022-02-28 r5338 [x86_64-linux-6.1.0-18-amd64] (local build)
Copyright (C) 2002-22, Bruce Allen, Christian Franke, www.smartmontools.org

=== START OF READ SMART DATA SECTION ===
`;

describe('smartctl -H parsing', () => {
  it.each([
    [
      'ATA passed',
      `${header}SMART overall-health self-assessment test result: PASSED\n`,
      0,
      0,
      'SMART PASSED',
    ],
    ['SCSI ok', `${header}SMART Health Status: OK\n`, 0, 0, 'SMART OK'],
    [
      'ATA failed',
      `${header}SMART overall-health self-assessment test result: FAILED!\nDrive failure expected in less than 24 hours. SAVE ALL DATA.\n`,
      8,
      2,
      'SMART health FAILED (FAILED!): disk failing',
    ],
    [
      'prefail attributes',
      `${header}SMART overall-health self-assessment test result: PASSED\n`,
      32,
      1,
      'SMART PASSED, but attributes at or below threshold (exit 32)',
    ],
    [
      'no permission',
      'smartctl 7.3\nSmartctl open device: /dev/sda failed: Permission denied\n',
      2,
      3,
      'smartctl: cannot open device: Smartctl open device: /dev/sda failed: Permission denied (exit 2)',
    ],
    ['no verdict', `${header}`, 4, 3, 'smartctl: SMART command failed (exit 4)'],
  ])('%s', (_name, out, code, severity, text) => {
    expect(judgeSmart(out, code)).toEqual({ severity, text });
  });

  it('lists devices from smartctl --scan', () => {
    const scan = '/dev/sda -d scsi # /dev/sda, SCSI device\n/dev/nvme0 -d nvme # /dev/nvme0, NVMe device\n\n';
    expect(parseSmartScan(scan)).toEqual(['/dev/sda', '/dev/nvme0']);
  });
});

describe('smart check with a stand-in smartctl', () => {
  it('checks every scanned device and reports a missing smartctl as UNKNOWN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thump-smart-'));
    try {
      const fake = join(dir, 'smartctl');
      writeFileSync(
        fake,
        [
          '#!/bin/sh',
          'if [ "$1" = --scan ]; then echo "/dev/sda -d sat # /dev/sda [SAT], ATA device"; echo "/dev/sdb -d sat # /dev/sdb"; exit 0; fi',
          'if [ "$2" = /dev/sda ]; then echo "SMART overall-health self-assessment test result: PASSED"; exit 0; fi',
          'echo "SMART overall-health self-assessment test result: FAILED!"; exit 8',
          '',
        ].join('\n'),
      );
      chmodSync(fake, 0o755);
      const run = smartCheck.create(smartCheck.schema.parse({ type: 'smart', smartctl: fake }));
      expect(await run(new AbortController().signal)).toEqual([
        { id: 'smart:sda', severity: 0, text: 'SMART PASSED' },
        { id: 'smart:sdb', severity: 2, text: 'SMART health FAILED (FAILED!): disk failing' },
      ]);
      const missing = smartCheck.create(
        smartCheck.schema.parse({ type: 'smart', smartctl: join(dir, 'nope') }),
      );
      expect(await missing(new AbortController().signal)).toEqual([
        { id: 'smart', severity: 3, text: `${join(dir, 'nope')} not installed` },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
