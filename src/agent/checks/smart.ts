import { z } from 'zod';
import type { CheckResult, Severity } from '../../protocol/types.js';
import { execBounded } from './exec.js';
import { type CheckKind, checkName, commonCheckFields, subId } from './types.js';

/** Devices listed by `smartctl --scan` (first word of each line). Pure. */
export function parseSmartScan(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const dev = line.trim().split(/\s+/)[0];
    if (dev?.startsWith('/dev/')) out.push(dev);
  }
  return out;
}

/**
 * Judges `smartctl -H DEVICE` output and exit status (a bit mask, see smartctl(8) "RETURN
 * VALUES"): bit 3 "disk failing" or a FAILED self-assessment -> CRITICAL; bits 4/5
 * (attributes at or past their threshold) -> WARNING; bits 0-2 (could not run or read) ->
 * UNKNOWN; PASSED / "Health Status: OK" -> OK. Pure.
 */
export function judgeSmart(stdout: string, exitCode: number): { severity: Severity; text: string } {
  const ata = /SMART overall-health self-assessment test result:\s*(\S+)/.exec(stdout);
  const scsi = /SMART Health Status:\s*(.+)/.exec(stdout);
  const verdict = (ata?.[1] ?? scsi?.[1] ?? '').trim();
  if ((exitCode & 0b1000) !== 0 || /FAIL/i.test(verdict)) {
    return { severity: 2, text: `SMART health FAILED${verdict ? ` (${verdict})` : ''}: disk failing` };
  }
  if ((exitCode & 0b0111) !== 0 || verdict === '') {
    const reason =
      (exitCode & 1) !== 0
        ? 'command line'
        : (exitCode & 2) !== 0
          ? 'cannot open device'
          : 'SMART command failed';
    const line = stdout
      .split('\n')
      .find((l) => /error|unable|permission|failed/i.test(l))
      ?.trim();
    return { severity: 3, text: `smartctl: ${reason}${line ? `: ${line}` : ''} (exit ${exitCode})` };
  }
  if ((exitCode & 0b110000) !== 0) {
    return { severity: 1, text: `SMART ${verdict}, but attributes at or below threshold (exit ${exitCode})` };
  }
  return { severity: 0, text: `SMART ${verdict}` };
}

const schema = z.strictObject({
  type: z.literal('smart'),
  ...commonCheckFields,
  /** Devices to check; default: whatever `smartctl --scan` lists. */
  devices: z.array(z.string().startsWith('/dev/', 'expected a device path such as /dev/sda')).optional(),
  /** The smartctl program (smartmontools); usually needs root. */
  smartctl: z.string().default('smartctl'),
});
export type SmartCheckConfig = z.output<typeof schema>;

/** SMART health through `smartctl -H`, one result per device (`smart:sda`). */
export const smartCheck: CheckKind<SmartCheckConfig> = {
  type: 'smart',
  schema,
  create(c) {
    const name = checkName(c);
    return async (signal) => {
      let devices = c.devices;
      if (devices === undefined) {
        const scan = await execBounded(c.smartctl, ['--scan'], signal);
        if (scan.spawnError === 'ENOENT')
          return [{ id: name, severity: 3, text: `${c.smartctl} not installed` }];
        if (scan.spawnError !== undefined)
          return [{ id: name, severity: 3, text: `${c.smartctl}: ${scan.spawnError}` }];
        devices = parseSmartScan(scan.stdout);
        if (devices.length === 0) return [{ id: name, severity: 0, text: 'no SMART devices found' }];
      }
      const results: CheckResult[] = [];
      for (const dev of devices) {
        const id = subId(name, dev.replace(/^\/dev\//, ''));
        const r = await execBounded(c.smartctl, ['-H', dev], signal);
        if (r.aborted) break;
        if (r.spawnError === 'ENOENT')
          return [{ id: name, severity: 3, text: `${c.smartctl} not installed` }];
        if (r.spawnError !== undefined || r.code === undefined) {
          results.push({ id, severity: 3, text: `${c.smartctl}: ${r.spawnError ?? r.signal ?? 'failed'}` });
          continue;
        }
        results.push({ id, ...judgeSmart(r.stdout, r.code) });
      }
      return results;
    };
  },
};
