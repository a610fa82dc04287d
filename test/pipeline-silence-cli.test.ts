import { describe, expect, it } from 'vitest';
import { freeTcpPort, spawnThump } from './support/proc.js';

/** `thump silence` argument and connection errors (the happy path runs in pipeline-e2e). */

const env = { THUMP_TOKEN: '', THUMP_TOKEN_FILE: '/nonexistent/api-token', THUMP_URL: '' };

async function run(args: string[]) {
  const p = spawnThump(['silence', ...args], env);
  const code = await p.exited;
  return { code, out: p.stdout(), err: p.stderr() };
}

describe('thump silence (errors)', () => {
  it('exits 2 when the window is given twice or not at all', async () => {
    const both = await run(['add', '--host', 'a', '--for', '1h', '--until', '2030-01-01T00:00:00Z']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/^thump: give exactly one of --for, --until or --cron/);
    const cronOnly = await run(['add', '--host', 'a', '--cron', '0 2 * * 0']);
    expect(cronOnly.code).toBe(2);
    expect(cronOnly.err).toMatch(/--cron needs --duration/);
  });

  it('exits 2 on a missing --host and on a bad duration', async () => {
    expect((await run(['add', '--for', '1h'])).code).toBe(2);
    const bad = await run(['add', '--host', 'a', '--for', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--for: "soon" is not a duration/);
  });

  it('exits 2 without a token for a write call, naming where it looked', async () => {
    const port = await freeTcpPort();
    const r = await run(['add', '--host', 'a', '--for', '1h', '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no API token: pass --token, set THUMP_TOKEN/);
  });

  it('exits 1 with a clear line when the monitor is unreachable', async () => {
    const port = await freeTcpPort();
    const r = await run(['list', '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^thump: cannot reach the monitor at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});
