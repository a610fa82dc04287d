import { afterEach, describe, expect, it } from 'vitest';
import { hookPayloads, hostsIn, type MonitorRig, startMonitorRig } from './support/pipeline-monitor.js';
import { spawnThump, waitFor } from './support/proc.js';

/**
 * End to end through the built CLI: a real `thump monitor`, real signed UDP beats from
 * simulated agents on loopback, the real webhook notifier posting to a loopback listener.
 */

const rigs: MonitorRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

const PAGES = ['down', 'up', 'check', 'flapping', 'flapping-stopped', 'network', 'network-recovered'];

async function rig(notify: Record<string, unknown> = {}, intervalMs = 500): Promise<MonitorRig> {
  const r = await startMonitorRig({ routes: [{ notifiers: ['ops'], events: PAGES }], ...notify }, intervalMs);
  rigs.push(r);
  return r;
}

async function allUp(r: MonitorRig, n: number) {
  await waitFor(async () => (await hostsIn(r, 'up')).length === n, `${n} hosts up`);
}

async function settled(r: MonitorRig) {
  await waitFor(async () => (await r.outboxDepth()) === 0, 'the outbox to drain');
}

describe('notify pipeline end to end (thump monitor)', () => {
  it('sends exactly one grouped webhook when 50 hosts go down together, and one when they return', async () => {
    const r = await rig();
    const fifty = Array.from({ length: 50 }, (_, i) => `node-${String(i).padStart(2, '0')}`);
    r.fleet.add(['witness', ...fifty]);
    r.fleet.start();
    await allUp(r, 51);
    r.fleet.silence(fifty);
    await waitFor(
      () => hookPayloads(r.hook).some((p) => p.kind === 'alert'),
      'the grouped down message',
      20_000,
    );
    await waitFor(async () => (await hostsIn(r, 'down')).length === 50, '50 hosts down');
    await settled(r);
    const alerts = hookPayloads(r.hook).filter((p) => p.kind === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.title).toMatch(/^50 hosts down: node-\d\d, node-\d\d, node-\d\d \(\+47 more\)$/);
    expect(alerts[0]?.events.map((e) => e.hostId).sort()).toEqual(fifty);

    r.fleet.resume(fifty);
    await waitFor(
      () => hookPayloads(r.hook).some((p) => p.kind === 'resolved'),
      'the grouped up message',
      20_000,
    );
    await settled(r);
    const resolved = hookPayloads(r.hook).filter((p) => p.kind === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]?.events).toHaveLength(50);
  });

  it('delivers once after a SIGKILL while the endpoint was down', async () => {
    const r = await rig();
    const answered: Array<{ id: string; status: number }> = [];
    let status = 503;
    r.hook.respond((req) => {
      answered.push({ id: (JSON.parse(req.body) as { id: string }).id, status });
      return { status };
    });
    r.fleet.add(['witness', 'victim']);
    r.fleet.start();
    await allUp(r, 2);
    r.fleet.silence(['victim']);
    await waitFor(() => answered.length >= 2, 'two failed delivery attempts', 20_000);
    await r.restart(); // SIGKILL, then start on the same db
    status = 200;
    await waitFor(() => answered.some((a) => a.status === 200), 'delivery after restart', 20_000);
    await settled(r);
    const ok = answered.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    expect(new Set(answered.map((a) => a.id))).toEqual(new Set([ok[0]?.id]));
    const [p] = hookPayloads(r.hook).slice(-1);
    expect(p?.events.map((e) => [e.type, e.hostId])).toEqual([['down', 'victim']]);
  });

  it('does not page a host silenced with thump silence add, nor its recovery; list and remove work', async () => {
    const r = await rig();
    r.fleet.add(['witness', 'quiet', 'loud']);
    r.fleet.start();
    await allUp(r, 3);
    const tokenFile = `${r.dir}/api-token`;
    const add = spawnThump([
      'silence',
      'add',
      '--host',
      'qu*',
      '--for',
      '1h',
      '--comment',
      'kernel update',
      '--url',
      r.api,
      '--token-file',
      tokenFile,
    ]);
    expect(await add.exited).toBe(0);
    expect(add.stdout()).toMatch(/^silence \d+ added: qu\* /);
    const list = spawnThump(['silence', 'list', '--url', r.api]);
    expect(await list.exited).toBe(0);
    expect(list.stdout()).toMatch(/active\s+qu\*.*kernel update/);

    r.fleet.silence(['quiet', 'loud']);
    await waitFor(() => hookPayloads(r.hook).length >= 1, 'the page for loud', 20_000);
    await waitFor(async () => (await hostsIn(r, 'down')).length === 2, 'both down');
    r.fleet.resume(['quiet', 'loud']);
    await waitFor(() => hookPayloads(r.hook).length >= 2, 'the resolution for loud', 20_000);
    await settled(r);
    expect(hookPayloads(r.hook).map((p) => p.title)).toEqual(['loud down', 'loud up again']);

    const id = /silence (\d+)/.exec(add.stdout())?.[1] as string;
    const rm = spawnThump(['silence', 'remove', id, '--url', r.api, '--token-file', tokenFile]);
    expect(await rm.exited).toBe(0);
    const bad = spawnThump(['silence', 'remove', id, '--url', r.api, '--token', 'x'.repeat(20)]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/^thump: /);
  });

  it('pages the parent and not its children when a switch goes down', async () => {
    const r = await rig();
    const kids = ['rack-a', 'rack-b', 'rack-c', 'rack-d', 'rack-e'];
    r.fleet.add(['witness', 'switch']);
    r.fleet.add(kids, { parent: 'switch' });
    r.fleet.start();
    await allUp(r, 7);
    r.fleet.silence(['switch', ...kids]);
    await waitFor(() => hookPayloads(r.hook).length >= 1, 'the switch page', 20_000);
    await waitFor(async () => (await hostsIn(r, 'down')).length === 6, 'six hosts down');
    await settled(r);
    const pages = hookPayloads(r.hook);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.title).toBe('switch down; 5 dependent hosts of switch affected');
    expect(pages[0]?.events[0]?.details.dependents).toEqual(expect.arrayContaining(kids));
  });

  it('notifies a critical check and its clearing, once each', async () => {
    const r = await rig();
    r.fleet.add(['witness', 'db']);
    r.fleet.start();
    await allUp(r, 2);
    r.fleet.setChecks('db', [{ id: 'custom:raid', severity: 2, text: 'CRITICAL - md0 degraded' }]);
    await waitFor(() => hookPayloads(r.hook).length >= 1, 'the check page', 20_000);
    r.fleet.setChecks('db', [{ id: 'custom:raid', severity: 0, text: 'OK - md0 clean' }]);
    await waitFor(() => hookPayloads(r.hook).length >= 2, 'the check clearing', 20_000);
    await settled(r);
    expect(hookPayloads(r.hook).map((p) => [p.kind, p.title])).toEqual([
      ['alert', 'db custom:raid CRITICAL: CRITICAL - md0 degraded'],
      ['resolved', 'db custom:raid OK: OK - md0 clean'],
    ]);
  });

  it('pages a Nagios-style check of a real agent exiting 2, and its clearing at exit 0', async () => {
    const r = await rig();
    const { chmodSync, readFileSync, writeFileSync } = await import('node:fs');
    const script = `${r.dir}/check_raid`;
    const codeFile = `${r.dir}/raid.code`;
    writeFileSync(codeFile, '0');
    writeFileSync(
      script,
      `#!/bin/sh\nc=$(cat '${codeFile}')\nif [ "$c" = 2 ]; then echo "RAID CRITICAL - md0 degraded|x=1"; else echo "RAID OK - md0 clean"; fi\nexit $c\n`,
    );
    chmodSync(script, 0o755);
    const monitorCfg = JSON.parse(readFileSync(r.configPath, 'utf8'));
    const agentCfg = `${r.dir}/agent.yaml`;
    writeFileSync(
      agentCfg,
      JSON.stringify({
        agent: { id: 'db-7', to: monitorCfg.monitor.udp, interval: '500ms', secret_file: './secret' },
        checks: [{ name: 'raid', command: script, interval: '200ms', timeout: '5s' }],
      }),
    );
    const agent = spawnThump(['agent', '--config', agentCfg, '--log-format', 'json'], { THUMP_CONFIG: '' });
    try {
      await waitFor(async () => (await hostsIn(r, 'up')).includes('db-7'), 'the agent to be up', 45_000);
      writeFileSync(codeFile, '2');
      await waitFor(() => hookPayloads(r.hook).length >= 1, 'the check page', 20_000);
      writeFileSync(codeFile, '0');
      await waitFor(() => hookPayloads(r.hook).length >= 2, 'the check clearing', 20_000);
      await settled(r);
      const pages = hookPayloads(r.hook);
      expect(pages.map((p) => p.kind)).toEqual(['alert', 'resolved']);
      expect(pages[0]?.title).toBe('db-7 raid CRITICAL: RAID CRITICAL - md0 degraded');
      expect(pages[0]?.events[0]).toMatchObject({ type: 'check', hostId: 'db-7' });
      expect(pages[1]?.title).toBe('db-7 raid OK: RAID OK - md0 clean');
    } finally {
      await agent.stop('SIGTERM');
    }
  });

  it('pages flapping start and stop instead of a storm of downs and ups', async () => {
    const r = await rig();
    r.fleet.add(['witness', 'flappy']);
    r.fleet.start();
    await allUp(r, 2);
    const state = async () => await r.get<{ state: string; flapping: boolean }>('/api/hosts/flappy');
    let cycles = 0;
    while (!(await state()).flapping && cycles < 15) {
      r.fleet.silence(['flappy']);
      await waitFor(async () => (await state()).state === 'down', 'flappy down');
      r.fleet.resume(['flappy']);
      await waitFor(async () => (await state()).state === 'up', 'flappy up');
      cycles++;
    }
    expect((await state()).flapping).toBe(true);
    // Keep flapping a few more times: none of these may page.
    for (let i = 0; i < 3; i++) {
      r.fleet.silence(['flappy']);
      await waitFor(async () => (await state()).state === 'down', 'flappy down');
      r.fleet.resume(['flappy']);
      await waitFor(async () => (await state()).state === 'up', 'flappy up');
    }
    await waitFor(async () => !(await state()).flapping, 'flapping to stop', 40_000);
    await waitFor(
      () => hookPayloads(r.hook).some((p) => p.title.includes('stopped flapping')),
      'the stop page',
    );
    await settled(r);
    const pages = hookPayloads(r.hook);
    const downs = pages.flatMap((p) => p.events).filter((e) => e.type === 'down');
    expect(pages.some((p) => p.title === 'flappy is flapping (pages paused)')).toBe(true);
    // Downs before the flap was detected are normally cancelled by their up within the
    // group window; on a very slow box one or two may page (with their resolution). Either
    // way far fewer pages than the 2 x (cycles + 3) state changes, and none while flapping.
    expect(downs.length).toBeLessThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(6);
    expect(2 * (cycles + 3)).toBeGreaterThanOrEqual(8);
    const from = pages.findIndex((p) => p.title.includes('is flapping'));
    const to = pages.findIndex((p) => p.title.includes('stopped flapping'));
    expect(to).toBeGreaterThan(from);
    expect(pages.slice(from + 1, to).flatMap((p) => p.events.filter((e) => e.type === 'down'))).toEqual([]);
  }, 150_000); // up to ~18 down/up cycles of a 1.5 s timeout plus the wait for flapping to end

  it('refuses a config whose route names an unknown notifier: exit 2 with the key path', async () => {
    const r = await rig();
    await r.proc.stop('SIGTERM');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const cfg = JSON.parse(readFileSync(r.configPath, 'utf8'));
    cfg.routes = [{ notifiers: ['ops', 'pagr'] }];
    writeFileSync(r.configPath, JSON.stringify(cfg));
    const p = spawnThump(['monitor', '--config', r.configPath, '--log-format', 'json'], { THUMP_CONFIG: '' });
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(/routes\[0\]\.notifiers\[1\]: no notifier named "pagr"/);
    cfg.routes = [];
    cfg.grouping = { group_wait: 'soon' };
    writeFileSync(r.configPath, JSON.stringify(cfg));
    const q = spawnThump(['monitor', '--config', r.configPath, '--log-format', 'json'], { THUMP_CONFIG: '' });
    expect(await q.exited).toBe(2);
    expect(q.stderr()).toMatch(/grouping\.group_wait/);
  });
});
