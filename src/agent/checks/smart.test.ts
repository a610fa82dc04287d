import { describe, expect, it } from 'vitest';
import { judgeSmart, parseSmartScan } from './smart.js';

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
