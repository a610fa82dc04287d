import { describe, expect, it } from 'vitest';
import { FakeMonitor } from '../../test/support/fake-monitor.js';
import { hostJson } from './json.js';
import { formatStatusTable, humanDuration } from './status-table.js';
import { sweptHostView } from './swept-hosts.js';

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [59, '59s'],
    [61, '1m 1s'],
    [3600, '1h'],
    [90_061, '1d 1h'],
    [-1, '-'],
  ])('%d s -> %s', (s, text) => {
    expect(humanDuration(s)).toBe(text);
  });
});

describe('formatStatusTable', () => {
  it('prints aligned rows with state text, age, uptime, load, failing checks and a summary', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const m = new FakeMonitor();
    m.setHost({ id: 'web-1', lastBeatAt: now - 3000, uptimeSeconds: 90_061 }, now);
    m.setHost(
      {
        id: 'db-10',
        state: 'down',
        lastBeatAt: now - 125_000,
        checks: [{ id: 'disk:/', severity: 2, text: 'full' }],
      },
      now,
    );
    const out = formatStatusTable(
      m.hosts().map((h) => hostJson(h, now)),
      now,
    );
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^STATE\s+HOST\s+ADDRESS\s+LAST BEAT\s+UPTIME\s+LOAD\s+CHECKS$/);
    expect(lines[1]).toMatch(/^up\s+web-1\s+127\.0\.0\.1:40000\s+3s ago\s+1d 1h\s+0\.10 0\.20 0\.30\s+ok$/);
    expect(lines[2]).toMatch(/^down\s+db-10\s+.*2m 5s ago.*disk:\/:critical$/);
    expect(lines[0]?.indexOf('HOST')).toBe(lines[1]?.indexOf('web-1'));
    expect(out).toContain('2 hosts: 1 up, 1 down');
    expect(formatStatusTable([], now)).toContain('no hosts');
  });

  it('marks swept hosts by their address and shows a failed probe class as the checks', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const swept = sweptHostView(
      {
        target: 'root@b.example:2222',
        host: 'b.example',
        state: 'down',
        stateSince: now - 60_000,
        runId: 'r1',
        everyMs: null,
        result: {
          status: 'error',
          target: 'root@b.example:2222',
          host: 'b.example',
          at: now - 5000,
          durationMs: 10,
          errorClass: 'refused',
          message: 'connection refused',
        },
      },
      'b.example',
    );
    const lines = formatStatusTable([hostJson(swept, now)], now).split('\n');
    expect(lines[1]).toMatch(
      /^down\s+b\.example\s+b\.example \(sweep\)\s+5s ago\s+-\s+0\.00 0\.00 0\.00\s+sweep:refused$/,
    );
  });
});
