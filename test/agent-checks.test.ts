import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateSecret, Keyring, keyFromSecret } from '../src/protocol/index.js';
import type { Beat } from '../src/protocol/types.js';
import { startUdpCollector, type UdpCollector } from './support/agent-udp.js';
import { type Proc, spawnThump, tempDir, waitFor } from './support/proc.js';

const dir = tempDir('thump-agent-checks-');
const secret = generateSecret();
const ring = new Keyring(keyFromSecret(secret));
let proc: Proc | undefined;
let udp: UdpCollector | undefined;
afterEach(async () => {
  await proc?.stop('SIGKILL');
  await udp?.close();
});
afterAll(() => dir.cleanup());

describe('agent checks end to end', () => {
  it('carries a Nagios plugin through OK/WARNING/CRITICAL/UNKNOWN while a hung check never delays a beat', async () => {
    const state = join(dir.path, 'state');
    const plugin = join(dir.path, 'check_thing');
    writeFileSync(state, '0\n');
    writeFileSync(
      plugin,
      `#!/bin/sh\ns=$(cat ${state})\necho "THING state $s | perf=1"\necho "second line ignored"\nexit $s\n`,
    );
    chmodSync(plugin, 0o755);
    const config = join(dir.path, 'thump.yaml');
    writeFileSync(
      config,
      [
        'agent:',
        '  interval: 500ms',
        '  id: checked-host',
        'checks:',
        `  - { name: thing, command: "${plugin}", interval: 300ms }`,
        '  - { name: hung, command: "sleep 60", interval: 1s, timeout: 700ms }',
        '',
      ].join('\n'),
    );
    udp = await startUdpCollector();
    proc = spawnThump(
      ['agent', '--config', config, '--to', `127.0.0.1:${udp.port}`, '--log-format', 'json'],
      {
        THUMP_SECRET: secret,
      },
    );
    const c = udp;
    const latest = (): Beat | undefined => c.beats(ring).at(-1);
    const check = (b: Beat | undefined, id: string) => b?.checks.find((x) => x.id === id);

    for (const s of [0, 1, 2, 3, 0]) {
      writeFileSync(state, `${s}\n`);
      const b = await waitFor(
        () => (check(latest(), 'thing')?.severity === s ? latest() : undefined),
        `a beat with check "thing" at severity ${s}`,
        30_000,
      );
      expect(check(b, 'thing')?.text).toBe(`THING state ${s}`);
    }
    const timedOut = await waitFor(
      () => check(latest(), 'hung'),
      'the hung check to be reported as timed out',
      30_000,
    );
    expect(timedOut).toEqual({
      id: 'hung',
      severity: 2,
      text: 'CRITICAL: command check timed out after 700ms',
    });

    // The hung check has been blocking for 700 ms of every second: beats still left on their
    // own absolute schedule. Beat k leaves at slot k * 500 ms plus jitter (< 50 ms) plus timer
    // latency, so sentAt - k * 500 stays within one band and never drifts.
    const beats = c.beats(ring);
    expect(beats.map((b) => b.seq)).toEqual(beats.map((_, k) => k));
    const offsets = beats.map((b, k) => b.sentAt - k * 500);
    expect(Math.max(...offsets) - Math.min(...offsets)).toBeLessThanOrEqual(50 + 700);
    expect(proc.stdout()).toMatch(/check thing: thing WARNING: THING state 1/);
    expect(await proc.stop('SIGTERM')).toBe(0);
  });
});
