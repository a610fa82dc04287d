import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, Keyring, keyFromSecret } from '../src/protocol/index.js';
import { startUdpCollector, type UdpCollector } from './support/agent-udp.js';
import { type Proc, spawnThump, tempDir, waitFor } from './support/proc.js';

const dir = tempDir('thump-agent-');
const secret = generateSecret();
const secretFile = join(dir.path, 'secret');
writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
const ring = new Keyring(keyFromSecret(secret));

const procs: Proc[] = [];
const collectors: UdpCollector[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
  await Promise.all(collectors.splice(0).map((c) => c.close()));
});
afterAll(() => dir.cleanup());

async function collector(address = '127.0.0.1', group?: string): Promise<UdpCollector> {
  const c = await startUdpCollector(address, group);
  collectors.push(c);
  return c;
}
function agent(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const p = spawnThump(['agent', '--log-format', 'json', ...args], env);
  procs.push(p);
  return p;
}

describe('thump agent on loopback', () => {
  let v4: UdpCollector;
  let v6: UdpCollector;
  beforeAll(() => {
    writeFileSync(
      join(dir.path, 'thump.yaml'),
      [
        'agent:',
        '  labels: { role: db }',
        'checks:',
        '  - name: fire',
        `    command: "echo 'CRITICAL - disk on fire | temp=451'; exit 2"`,
        '    interval: 1h',
        '',
      ].join('\n'),
    );
  });

  it('beats on schedule to every --to target with seq, labels and checks, then says goodbye on SIGTERM', async () => {
    v4 = await collector('127.0.0.1');
    v6 = await collector('::1');
    const p = agent([
      '--to', `127.0.0.1:${v4.port}`,
      '--to', `[::1]:${v6.port}`,
      '--interval', '1s',
      '--id', 'test-host',
      '--label', 'parent=switch-3',
      '--secret-file', secretFile,
      '--config', join(dir.path, 'thump.yaml'),
    ]); // biome-ignore format: flag pairs
    await waitFor(
      () => v4.received.length >= 5 && v6.received.length >= 5,
      'five beats at each target',
      30_000,
    );
    expect(await p.stop('SIGTERM')).toBe(0);
    for (const c of [v4, v6]) {
      const beats = c.beats(ring);
      expect(new Set(beats.map((b) => b.bootId)).size).toBe(1);
      expect(beats.map((b) => b.seq)).toEqual(beats.map((_, i) => i));
      const last = beats.at(-1);
      expect(last?.goodbye).toBe(true);
      expect(beats.slice(0, -1).every((b) => !b.goodbye)).toBe(true);
      for (const b of beats) {
        expect(b.hostId).toBe('test-host');
        expect(b.intervalMs).toBe(1000);
        expect(b.labels).toEqual({ role: 'db', parent: 'switch-3' });
        expect(b.memTotalBytes).toBeGreaterThan(0);
        expect(b.diskTotalBytes).toBeGreaterThan(0);
      }
      // The check's result rides in the beats once it has run (usually from the second beat).
      expect(
        beats.some((b) =>
          b.checks.some((x) => x.id === 'fire' && x.severity === 2 && x.text === 'CRITICAL - disk on fire'),
        ),
      ).toBe(true);
      // Absolute schedule: beat k leaves at slot k * 1000 ms plus jitter (< 100 ms) plus timer
      // latency, so sentAt - k * 1000 stays within one band: no drift however many beats.
      const offsets = beats.slice(0, -1).map((b, k) => b.sentAt - k * 1000);
      expect(Math.max(...offsets) - Math.min(...offsets)).toBeLessThanOrEqual(100 + 700);
    }
  });

  it('keeps beating through a failing name lookup and logs the failure once', async () => {
    const c = await collector();
    const p = agent([
      '--to', `127.0.0.1:${c.port}`,
      '--to', 'no-such-host.invalid:9',
      '--interval', '300ms',
      '--secret-file', secretFile,
    ]); // biome-ignore format: flag pairs
    await waitFor(() => c.received.length >= 8, 'eight beats despite the bad name', 30_000);
    expect(await p.stop('SIGTERM')).toBe(0);
    const lines = p
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"level":40'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no-such-host\.invalid: cannot resolve: (ENOTFOUND|EAI_AGAIN)/);
  });

  it('keeps beating to the other targets when one cannot be sent to, and says so once', async () => {
    // Loopback has no MULTICAST flag, so an IPv6 multicast send on it fails (ENETUNREACH)
    // on every beat; the unicast target must not notice, and the log must not repeat.
    const c = await collector();
    const p = agent([
      '--to', `127.0.0.1:${c.port}`,
      '--multicast', `[ff02::4378%lo]:${c.port}`,
      '--interval', '300ms',
      '--secret-file', secretFile,
    ]); // biome-ignore format: flag pairs
    await waitFor(() => c.received.length >= 6, 'six unicast beats', 30_000);
    expect(await p.stop('SIGTERM')).toBe(0);
    const warnings = p
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"level":40'));
    expect(warnings.length).toBeLessThanOrEqual(1);
    if (warnings.length === 1) expect(warnings[0]).toMatch(/\[ff02::4378%lo\]:\d+: send failed: /);
  });

  it('sends to an IPv4 multicast group', async () => {
    const c = await collector('127.0.0.1', '239.255.43.78');
    const p = agent([
      '--multicast', `239.255.43.78:${c.port}`,
      '--multicast-interface', '127.0.0.1',
      '--interval', '500ms',
      '--id', 'mc-host',
      '--secret-file', secretFile,
    ]); // biome-ignore format: flag pairs
    await waitFor(() => c.received.length >= 2, 'two multicast beats', 30_000);
    await p.stop('SIGTERM');
    expect(c.beats(ring)[0]?.hostId).toBe('mc-host');
  });

  it('sends to an IPv4 broadcast address', async () => {
    const c = await collector('127.255.255.255');
    const p = agent([
      '--broadcast', `127.255.255.255:${c.port}`,
      '--interval', '500ms',
      '--id', 'bc-host',
      '--secret-file', secretFile,
    ]); // biome-ignore format: flag pairs
    await waitFor(() => c.received.length >= 2, 'two broadcast beats', 30_000);
    await p.stop('SIGTERM');
    expect(c.beats(ring)[0]?.hostId).toBe('bc-host');
  });

  it('takes the secret from THUMP_SECRET and sends one beat with --once', async () => {
    const c = await collector();
    const p = agent(['--to', `127.0.0.1:${c.port}`, '--once', '--id', 'cron-host'], { THUMP_SECRET: secret });
    expect(await p.exited).toBe(0);
    await waitFor(() => c.received.length >= 1, 'the single beat', 10_000);
    expect(c.beats(ring).map((b) => [b.hostId, b.seq, b.goodbye])).toEqual([['cron-host', 0, false]]);
  });

  it.each([
    [
      ['--to', '127.0.0.1:9', '--secret-file', '/nonexistent/secret'],
      /--secret-file: cannot read secret file \/nonexistent\/secret: no such file; create one with: thump keygen/,
    ],
    [['--to', '127.0.0.1:9'], /no secret/],
    [['--secret-file', secretFile], /no destination/],
    [['--to', 'host:99999', '--secret-file', secretFile], /agent\.to\[0\]: "host:99999" has no valid port/],
    [['--to', 'h', '--interval', 'soon', '--secret-file', secretFile], /agent\.interval/],
    [['--to', 'h', '--label', 'novalue', '--secret-file', secretFile], /--label: "novalue" is not KEY=VALUE/],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    const p = agent(args, { THUMP_SECRET: '' });
    expect(await p.exited).toBe(2);
    const err = p.stderr().trim();
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toMatch(/^thump: /);
    expect(err).toMatch(message);
  });

  it('refuses a secret file others can read', async () => {
    const loose = join(dir.path, 'loose');
    writeFileSync(loose, `${secret}\n`, { mode: 0o644 });
    const p = agent(['--to', '127.0.0.1:9', '--secret-file', loose]);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/mode 0644.*chmod 600/);
  });
});
