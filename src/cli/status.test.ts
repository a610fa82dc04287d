import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../../test/support/cli.js';
import { ResourceError, UsageError } from '../errors.js';
import { register } from './status.js';

/** A loopback monitor stand-in: `/api/hosts` answers `[]`, except `?id=silent` never answers. */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.includes('id=silent')) return; // hold the request open
    res.setHeader('content-type', 'application/json');
    if (req.url?.includes('id=paged')) {
      // Three hosts served two per page, as the API pages (X-Total-Count, ?offset=).
      const offset = Number(new URL(req.url, 'http://x').searchParams.get('offset') ?? 0);
      const ids = ['p1', 'p2', 'p3'].slice(offset, offset + 2);
      res.setHeader('x-total-count', '3');
      return res.end(JSON.stringify(ids.map((id) => ({ id }))));
    }
    res.end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => vi.restoreAllMocks());

const status = (args: string[]) => runCommand(register, ['status', '--url', url, '--json', ...args]);

describe('thump status paging', () => {
  it('follows the pages of /api/hosts until X-Total-Count hosts are read', async () => {
    const r = await status(['--id', 'paged']);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.stdout).map((h: { id: string }) => h.id)).toEqual(['p1', 'p2', 'p3']);
  });
});

describe('thump status --timeout', () => {
  it.each([['5s'], ['500ms'], ['5000']])('takes %j (a duration, or a bare number of ms)', async (t) => {
    const r = await status(['--timeout', t]);
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('gives up after the duration it was given, saying so in the same words', async () => {
    const r = await status(['--timeout', '50ms', '--id', 'silent']);
    expect(r.error).toBeInstanceOf(ResourceError);
    expect(r.error?.message).toMatch(/\(no answer within 50ms\)/);
  });

  it('exits 2 naming the flag for a value that is not a duration', async () => {
    const r = await status(['--timeout', 'soon']);
    expect(r.error).toBeInstanceOf(UsageError);
    expect((r.error as UsageError).exitCode).toBe(2);
    expect(r.error?.message).toMatch(/^--timeout: "soon" is not a duration/);
  });

  it('says in --help that a bare number is milliseconds', () => {
    const program = new Command();
    register(program);
    const help = program.commands.find((c) => c.name() === 'status')?.helpInformation() ?? '';
    expect(help.replace(/\s+/g, ' ')).toMatch(/--timeout <duration>\s.*5s.*bare number is milliseconds/);
  });
});
