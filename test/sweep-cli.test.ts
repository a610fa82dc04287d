import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepResult } from '../src/sweep/types.js';
import { spawnThump, THUMP_BIN, tempDir } from './support/proc.js';
import { type Sshd, startSshd } from './support/sshd.js';
import { type BadServer, closedPort, startBadServer } from './support/sweep-bad-servers.js';

let sshd: Sshd;
const bad: BadServer[] = [];
const tmp = tempDir('thump-sweep-cli-');
// No agent, no ~/.ssh: every key, config and known_hosts comes from the flags.
const ENV = { HOME: tmp.path, SSH_AUTH_SOCK: '' };

beforeAll(async () => {
  if (!existsSync(THUMP_BIN))
    throw new Error(`build first: ${THUMP_BIN} is missing (npx tsc -p tsconfig.build.json)`);
  sshd = await startSshd({ addresses: 16 });
});
afterAll(async () => {
  await Promise.all(bad.map((b) => b.close()));
  await sshd?.stop();
  tmp.cleanup();
});

async function sweep(args: string[], hosts?: string) {
  const p = spawnThump(['sweep', ...args], ENV);
  if (hosts !== undefined) p.child.stdin?.end(hosts);
  else p.child.stdin?.end();
  const code = await p.exited;
  const results = p
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as SweepResult);
  return { code, results, stderr: p.stderr(), stdout: p.stdout() };
}

function byTarget(results: SweepResult[]): Map<string, SweepResult> {
  const m = new Map<string, SweepResult>();
  for (const r of results) {
    expect(m.has(r.target), `duplicate result for ${r.target}`).toBe(false);
    m.set(r.target, r);
  }
  return m;
}

describe('thump sweep (built CLI) against a real sshd', () => {
  it('gives every host exactly one result with its failure class, bounded by the slowest host', async () => {
    const silent = await startBadServer('silent');
    const closing = await startBadServer('close');
    const garbage = await startBadServer('garbage');
    bad.push(silent, closing, garbage);
    const refused = await closedPort();
    const changedKh = join(tmp.path, 'kh-mixed');
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    // Trust 127.0.0.1-4 correctly, record a different key for 127.0.0.5.
    writeFileSync(
      changedKh,
      `${readFileSync(sshd.knownHostsPath, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith(`[127.0.0.5]`))
        .join('\n')}\n[127.0.0.5]:${sshd.port} ssh-ed25519 ${other}\n`,
    );
    const p = sshd.port;
    const silentSpecs = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `u${i}@127.0.0.1:${silent.port}`);
    const hosts = [
      '# mixed fleet',
      `127.0.0.1:${p}`,
      `127.0.0.2:${p}`,
      `${sshd.user}@127.0.0.3:${p}`,
      `nobody-here@127.0.0.4:${p}`,
      `127.0.0.5:${p}`,
      `127.0.0.1:${refused}`,
      'host-that-does-not-exist.invalid',
      '224.0.0.1',
      `127.0.0.1:${closing.port}`,
      `127.0.0.1:${garbage.port}`,
      ...silentSpecs,
    ].join('\n');
    const t0 = Date.now();
    const r = await sweep(
      [
        '-',
        '--user',
        sshd.user,
        '-i',
        sshd.clientKeyPath,
        '--known-hosts',
        changedKh,
        '--connect-timeout',
        '3s',
        '--timeout',
        '20s',
      ],
      hosts,
    );
    const elapsed = Date.now() - t0;
    expect(r.code, r.stderr).toBe(1);
    const m = byTarget(r.results);
    expect(m.size).toBe(18);
    const cls = (t: string) => {
      const x = m.get(t);
      return x?.status === 'ok' ? 'ok' : x?.errorClass;
    };
    expect(cls(`127.0.0.1:${p}`)).toBe('ok');
    expect(cls(`127.0.0.2:${p}`)).toBe('ok');
    expect(cls(`${sshd.user}@127.0.0.3:${p}`)).toBe('ok');
    expect(cls(`nobody-here@127.0.0.4:${p}`)).toBe('auth');
    expect(cls(`127.0.0.5:${p}`)).toBe('host-key');
    expect(cls(`127.0.0.1:${refused}`)).toBe('refused');
    expect(cls('host-that-does-not-exist.invalid')).toBe('dns');
    expect(cls('224.0.0.1')).toBe('unreachable');
    expect(cls(`127.0.0.1:${closing.port}`)).toBe('protocol');
    expect(cls(`127.0.0.1:${garbage.port}`)).toBe('protocol');
    for (const s of silentSpecs) expect(cls(s)).toBe('timeout');
    // Eight silent hosts at 3 s each, probed side by side: about 3 s (plus Node's start-up),
    // never the 24 s they would take in sequence.
    expect(elapsed).toBeLessThan(15_000);
    expect(r.stderr).toMatch(
      /18 hosts in .*: 3 ok, 15 failed \(8 timeout, 2 protocol, 1 auth, 1 dns, 1 host-key, 1 refused, 1 unreachable\)/,
    );
  });

  it('sweeps 500 ssh-config aliases (HostName, Port, User, IdentityFile from -F) with each result once', async () => {
    const lines: string[] = [];
    const cfg: string[] = [];
    for (let i = 0; i < 500; i++) {
      const alias = `node${String(i).padStart(3, '0')}`;
      lines.push(alias);
      cfg.push(`Host ${alias}`, `  HostName ${sshd.hosts[i % sshd.hosts.length]}`);
    }
    cfg.push(
      'Host node*',
      `  Port ${sshd.port}`,
      `  User ${sshd.user}`,
      `  IdentityFile ${sshd.clientKeyPath}`,
    );
    const cfgPath = join(tmp.path, 'ssh_config_500');
    writeFileSync(cfgPath, `${cfg.join('\n')}\n`);
    const hostsPath = join(tmp.path, 'hosts500.txt');
    writeFileSync(hostsPath, `${lines.join('\n')}\n`);
    const r = await sweep(
      [hostsPath, '-F', cfgPath, '--known-hosts', sshd.knownHostsPath, '--timeout', '60s'],
      undefined,
    );
    expect(r.code, r.stderr).toBe(0);
    const m = byTarget(r.results);
    expect(m.size).toBe(500);
    for (const alias of lines) {
      const x = m.get(alias);
      expect(x?.status, JSON.stringify(x)).toBe('ok');
    }
    expect(m.get('node017')?.host).toBe(sshd.hosts[17 % 16]);
    expect(r.stderr).toMatch(/500 hosts in .*: 500 ok, 0 failed/);
  }, 180_000);

  it('refuses unknown hosts by default and trusts them once with --accept-new', async () => {
    const kh = join(tmp.path, 'kh-tofu');
    const hosts = `127.0.0.6:${sshd.port}\n127.0.0.7:${sshd.port}\n`;
    const base = ['-', '--user', sshd.user, '-i', sshd.clientKeyPath, '--known-hosts', kh];
    const strict = await sweep(base, hosts);
    expect(strict.code).toBe(1);
    expect(strict.results.map((x) => (x.status === 'error' ? x.errorClass : 'ok'))).toEqual([
      'host-key',
      'host-key',
    ]);
    expect(existsSync(kh)).toBe(false);

    const tofu = await sweep([...base, '--accept-new'], hosts);
    expect(tofu.code, tofu.stderr).toBe(0);
    expect(readFileSync(kh, 'utf8').trim().split('\n').sort()).toEqual([
      `[127.0.0.6]:${sshd.port} ${sshd.hostPublicKey}`,
      `[127.0.0.7]:${sshd.port} ${sshd.hostPublicKey}`,
    ]);
    const again = await sweep(base, hosts);
    expect(again.code).toBe(0);
  });

  it('warns loudly with --insecure-ignore-host-keys and then skips the check', async () => {
    const r = await sweep(
      [
        '-',
        '--user',
        sshd.user,
        '-i',
        sshd.clientKeyPath,
        '--insecure-ignore-host-keys',
        '--known-hosts',
        join(tmp.path, 'none'),
      ],
      `127.0.0.8:${sshd.port}\n`,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('WARNING: --insecure-ignore-host-keys');
  });

  it('writes CSV to --out and stores the run in --db', async () => {
    const out = join(tmp.path, 'out.csv');
    const db = join(tmp.path, 'sweep.db');
    const refused = await closedPort();
    const r = await sweep(
      [
        '-',
        '--user',
        sshd.user,
        '-i',
        sshd.clientKeyPath,
        '--known-hosts',
        sshd.knownHostsPath,
        '--format',
        'csv',
        '--out',
        out,
        '--db',
        db,
      ],
      `127.0.0.9:${sshd.port}\n127.0.0.1:${refused}\n`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe(
      'target,host,status,error_class,message,uptime_seconds,booted_at,load1,load5,load15,users,duration_ms,at',
    );
    expect(
      csv
        .slice(1)
        .map((l) => l.split(',')[2])
        .sort(),
    ).toEqual(['error', 'ok']);
    const { openStore } = await import('../src/store/index.js');
    const store = await openStore(db);
    try {
      const runs = await store.sweeps.list();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ total: 2, ok: 1, failed: 1, mode: 'local' });
      expect(runs[0]?.finishedAt).not.toBeNull();
      expect((await store.sweeps.latest()).map((h) => h.state).sort()).toEqual(['down', 'up']);
    } finally {
      await store.close();
    }
  });

  it('takes its defaults from the sweep: section of --config, flags still winning', async () => {
    const cfg = join(tmp.path, 'thump.yaml');
    writeFileSync(
      cfg,
      [
        'sweep:',
        '  concurrency: 4',
        '  timeout: 20s',
        `  identity_files: [${JSON.stringify(sshd.clientKeyPath)}]`,
        `  known_hosts_file: ${JSON.stringify(sshd.knownHostsPath)}`,
        '',
      ].join('\n'),
    );
    const hosts = `${sshd.user}@127.0.0.10:${sshd.port}\n${sshd.user}@127.0.0.11:${sshd.port}\n`;
    const viaConfig = await sweep(['-', '--config', cfg], hosts);
    expect(viaConfig.code, viaConfig.stderr).toBe(0);
    expect(viaConfig.results.map((x) => x.status)).toEqual(['ok', 'ok']);
    const flagWins = await sweep(['-', '--config', cfg, '-i', sshd.wrongKeyPath], hosts);
    expect(flagWins.results.map((x) => (x.status === 'error' ? x.errorClass : 'ok'))).toEqual([
      'auth',
      'auth',
    ]);
    writeFileSync(cfg, 'sweep:\n  concurrency: lots\n');
    const badCfg = await sweep(['-', '--config', cfg], hosts);
    expect(badCfg.code).toBe(2);
    expect(badCfg.stderr).toContain('sweep.concurrency');
  });

  it('rejects bad host lines with their line numbers (exit 2) before probing anything', async () => {
    const r = await sweep(['-'], 'web1\nweb2:99999\n\n# ok\nbad host\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('<stdin>:2: invalid port "99999"');
    expect(r.stderr).toContain('<stdin>:5: one host per line');
    expect(r.results).toEqual([]);
  });

  it('rejects unknown formats and bad durations as usage errors', async () => {
    expect((await sweep(['-', '--format', 'xml'], 'web1\n')).code).toBe(2);
    expect((await sweep(['-', '--timeout', 'soon'], 'web1\n')).code).toBe(2);
    expect((await sweep(['-', '-i', join(tmp.path, 'missing_key')], 'web1\n')).code).toBe(2);
  });
});
