import { describe, expect, it } from 'vitest';
import type { SweepResult } from '../types.js';
import { CSV_HEADER, csvLine, jsonLine, tableHeader, tableRow, tableWidth } from './format.js';

const ok: SweepResult = {
  status: 'ok',
  target: 'ops@web1:2222',
  host: 'web1',
  at: Date.UTC(2026, 10, 23, 12, 0, 0),
  durationMs: 120,
  uptimeSeconds: 10 * 86400 + 3600,
  bootedAt: '2026-11-13T11:00:00.000Z',
  load1: 0.5,
  load5: 0.25,
  load15: 0.125,
  users: 3,
};
const bad: SweepResult = {
  status: 'error',
  target: 'db1',
  host: 'db1',
  at: Date.UTC(2026, 10, 23, 12, 0, 1),
  durationMs: 30000,
  errorClass: 'timeout',
  message: 'no SSH handshake, "quoted", with comma',
};

describe('sweep output formats', () => {
  it('writes one JSON object per line', () => {
    expect(JSON.parse(jsonLine(ok))).toEqual(ok);
    expect(jsonLine(bad).endsWith('}\n')).toBe(true);
  });

  it('writes RFC 4180 CSV with quoting', () => {
    expect(CSV_HEADER.split(',')).toHaveLength(13);
    expect(csvLine(ok)).toBe(
      'ops@web1:2222,web1,ok,,,867600,2026-11-13T11:00:00.000Z,0.5,0.25,0.125,3,120,2026-11-23T12:00:00.000Z\n',
    );
    expect(csvLine(bad)).toBe(
      'db1,db1,error,timeout,"no SSH handshake, ""quoted"", with comma",,,,,,,30000,2026-11-23T12:00:01.000Z\n',
    );
  });

  it('aligns table rows to the widest target', () => {
    const w = tableWidth([ok.target, bad.target]);
    expect(w).toBe(13);
    expect(tableHeader(w).indexOf('STATUS')).toBe(15);
    expect(tableRow(ok, w)).toBe(
      'ops@web1:2222  ok           10d1h     0.50 0.25 0.13    booted 2026-11-13 11:00Z\n',
    );
    expect(tableRow(bad, w).startsWith('db1            timeout      -')).toBe(true);
  });
});
