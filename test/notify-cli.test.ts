import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaptureServer, startCaptureServer } from './support/notify-http.js';
import { spawnThump, tempDir } from './support/proc.js';

/** `thump notify-test NAME` through the built CLI against a loopback webhook listener. */
describe('thump notify-test', () => {
  let server: CaptureServer;
  const dir = tempDir('thump-notify-cli-');
  let config: string;

  beforeAll(async () => {
    server = await startCaptureServer();
    writeFileSync(join(dir.path, 'hook-url'), `${server.url}/hook/cli-secret-path\n`);
    config = join(dir.path, 'thump.yaml');
    writeFileSync(
      config,
      [
        'notifiers:',
        '  - name: ops',
        '    type: webhook',
        '    url_file: hook-url',
        '  - name: chat',
        '    type: slack',
        `    url: ${server.url}/services/slack-secret-token`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await server?.close();
    dir.cleanup();
  });

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const p = spawnThump(['notify-test', ...args], { THUMP_CONFIG: '', ...env });
    const code = await p.exited;
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  };

  it('sends one test batch through the named notifier and exits 0', async () => {
    server.respond({ status: 200, body: 'ok' });
    const before = server.requests.length;
    const r = await run(['ops', '--config', config]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/notifier "ops" \(webhook\): test message accepted/);
    expect(server.requests.length).toBe(before + 1);
    const req = server.requests.at(-1)!;
    expect(req.url).toBe('/hook/cli-secret-path');
    expect(JSON.parse(req.body)).toMatchObject({ kind: 'test', notifier: 'ops', events: [] });
  });

  it('finds the config through THUMP_CONFIG', async () => {
    server.respond({ status: 200, body: 'ok' });
    const r = await run(['chat'], { THUMP_CONFIG: config });
    expect(r.code).toBe(0);
    expect(server.requests.at(-1)!.url).toBe('/services/slack-secret-token');
  });

  it('exits 1 with the classified error, without the secret URL, when the endpoint refuses', async () => {
    server.respond({ status: 404, body: 'no_service' });
    const r = await run(['chat', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^thump: notifier "chat" \(slack\) failed \[http-4xx, permanent\]: .*HTTP 404: no_service\n$/,
    );
    expect(r.stderr).not.toContain('slack-secret-token');
  });

  it('exits 1 and says retryable when the endpoint fails with 503', async () => {
    server.respond({ status: 503, body: 'busy' });
    const r = await run(['ops', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[http-5xx, retryable]');
    expect(r.stderr).not.toContain('cli-secret-path');
  });

  it('exits 2 and lists the configured names when NAME is unknown', async () => {
    const r = await run(['pager', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no notifier named "pager"');
    expect(r.stderr).toContain('configured: ops, chat');
  });

  it('exits 2 naming the key path when a notifier config is invalid', async () => {
    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(bad, 'notifiers:\n  - name: ops\n    type: ntfy\n    topic: "has space"\n');
    const r = await run(['ops', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('notifiers');
    expect(r.stderr).toContain('topic');
  });
});
