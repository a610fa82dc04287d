/**
 * Sweep benchmark: hosts/s and client CPU ms per host for `thump sweep` against
 * parallel-ssh (pssh), `xargs -P ssh` and `ansible -m command -a uptime`, all against the
 * SAME real sshd instances in the same run; plus re-polls over kept connections vs fresh
 * connections (thump's SessionPool vs probeHost, in-process).
 *
 *   npx tsc -p tsconfig.build.json && node --import tsx bench/sweep-compare.ts [hosts=256] [par=32]
 *
 * Client CPU is user+sys of the tool and all its children (bash `times`), so it counts
 * every ssh process pssh/xargs/ansible fork, and node's own start-up for thump. Server CPU
 * (added figure) is what the sshd listeners' reaped children (one sshd per connection and
 * the command it runs) used during the row, from /proc; it is left out for Ansible (its
 * ControlPersist masters outlive the run) and for every row after it.
 * Needs root (creates the `thumptest` user), /usr/sbin/sshd, parallel-ssh, ansible.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createProbeOptions, probeHost, type SweepTarget } from '../src/sweep/index.js';
import { SessionPool } from '../src/sweep/session-pool.js';
import { THUMP_BIN, tempDir } from '../test/support/proc.js';
import { type Sshd, startSshd } from '../test/support/sshd.js';

const N = Number(process.argv[2] ?? 256);
const PAR = Number(process.argv[3] ?? 32);
const SSHDS = 4; // 4 x 16 addresses = 64 distinct host:port endpoints

interface Row {
  tool: string;
  hosts: number;
  par: number | string;
  ok: number;
  wallS: number;
  rate: number;
  cpuMsPerHost: number;
  /** sshd CPU per host during the row (undefined: not measurable for this row). */
  serverMsPerHost?: number;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU ms used by the sshd listeners' reaped children (cutime + cstime), summed. */
function sshdChildrenCpuMs(servers: readonly Sshd[]): number {
  let ticks = 0;
  for (const s of servers) {
    const stat = readFileSync(`/proc/${s.proc.child.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[13]) + Number(f[14]);
  }
  return (ticks * 1000) / CLK_TCK;
}

/** Runs a shell command, returns wall seconds and children's user+sys CPU seconds. */
function timed(
  cmd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ wall: number; cpu: number; out: string; code: number }> {
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn('bash', ['-c', `${cmd}\necho "__rc=$?"; times`], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', () => {});
    child.on('exit', () => {
      const wall = (performance.now() - t0) / 1000;
      const lines = out.trim().split('\n');
      const times = (lines[lines.length - 1] ?? '').trim().split(/\s+/);
      const sec = (t: string | undefined) => {
        const m = /(\d+)m([\d.]+)s/.exec(t ?? '');
        return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
      };
      const rc = /__rc=(\d+)/.exec(out)?.[1];
      res({ wall, cpu: sec(times[0]) + sec(times[1]), out, code: Number(rc ?? -1) });
    });
  });
}

async function main(): Promise<void> {
  const tmp = tempDir('thump-bench-');
  const servers: Sshd[] = [];
  try {
    for (let i = 0; i < SSHDS; i++) servers.push(await startSshd({ addresses: 16 }));
    const key = servers[0]?.clientKeyPath as string;
    const pub = readFileSync(`${key}.pub`, 'utf8');
    // One client key for all: append it to every server's authorized_keys.
    for (const s of servers.slice(1)) writeFileSync(join(s.dir, 'authorized_keys'), pub);
    const kh = join(tmp.path, 'known_hosts');
    writeFileSync(kh, servers.map((s) => readFileSync(s.knownHostsPath, 'utf8')).join(''));
    const endpoints = servers.flatMap((s) => s.hosts.map((h) => ({ host: h, port: s.port })));
    const user = servers[0]?.user as string;
    const list = Array.from(
      { length: N },
      (_, i) => endpoints[i % endpoints.length] as { host: string; port: number },
    );

    // Same host list for every tool. thump dedupes identical lines, so it gets aliases
    // resolved through an ssh config (the others accept repeated lines as they are).
    const raw = join(tmp.path, 'hosts-raw.txt');
    writeFileSync(raw, list.map((e) => `${user}@${e.host}:${e.port}`).join('\n'));
    const aliases = join(tmp.path, 'hosts-alias.txt');
    writeFileSync(aliases, list.map((_, i) => `h${i}`).join('\n'));
    const cfg = join(tmp.path, 'ssh_config');
    writeFileSync(
      cfg,
      `${list.map((e, i) => `Host h${i}\n  HostName ${e.host}\n  Port ${e.port}\n`).join('')}Host *\n  User ${user}\n  IdentityFile ${key}\n`,
    );
    const sshOpts = `-F /dev/null -i ${key} -o BatchMode=yes -o UserKnownHostsFile=${kh} -o StrictHostKeyChecking=yes`;
    const inv = join(tmp.path, 'inventory.ini');
    writeFileSync(
      inv,
      `${endpoints.map((e, i) => `e${i} ansible_host=${e.host} ansible_port=${e.port} ansible_user=${user}`).join('\n')}\n`,
    );
    const rows: Row[] = [];
    // Server CPU of a row: sshd children are reaped when their connection ends; wait for
    // that (bounded) before reading, so a row's sessions are not counted in the next one.
    let serverMs = 0;
    let serverValid = true;
    const settleServers = async () => {
      let last = sshdChildrenCpuMs(servers);
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const now = sshdChildrenCpuMs(servers);
        if (now === last && i >= 2) break;
        last = now;
      }
      return last;
    };
    const add = async (
      tool: string,
      hosts: number,
      par: number | string,
      r: { wall: number; cpu: number },
      ok: number,
    ) => {
      const before = serverMs;
      serverMs = await settleServers();
      const row: Row = {
        tool,
        hosts,
        par,
        ok,
        wallS: r.wall,
        rate: hosts / r.wall,
        cpuMsPerHost: (r.cpu * 1000) / hosts,
      };
      if (serverValid) row.serverMsPerHost = (serverMs - before) / hosts;
      rows.push(row);
    };
    const env = { HOME: tmp.path, SSH_AUTH_SOCK: '' };
    const thump = (par: number) =>
      `node ${THUMP_BIN} sweep ${aliases} -F ${cfg} --known-hosts ${kh} --concurrency ${par} --format jsonl --no-progress`;
    const countOk = (out: string) => out.split('\n').filter((l) => l.includes('"status":"ok"')).length;

    // Node start-up + module loading alone (empty host list), to separate it from per-host cost.
    const startup = await timed(`node ${THUMP_BIN} sweep - --format jsonl < /dev/null`, env);
    serverMs = await settleServers();
    console.error(
      `sshd x${SSHDS} ready (${endpoints.length} endpoints); ${N} hosts, parallelism ${PAR}; ${cpus().length} cores`,
    );
    let r = await timed(thump(PAR), env);
    await add('thump sweep', N, PAR, r, countOk(r.out));
    r = await timed(thump(100), env);
    await add('thump sweep (default)', N, 100, r, countOk(r.out));
    r = await timed(`parallel-ssh -h ${raw} -p ${PAR} -x "${sshOpts}" uptime`, env);
    await add('parallel-ssh (default -p 32)', N, PAR, r, (r.out.match(/\[SUCCESS\]/g) ?? []).length);
    r = await timed(
      `xargs -P ${PAR} -I{} sh -c 'ssh ${sshOpts} -p "\${1##*:}" "\${1%:*}" uptime' _ {} < ${raw}`,
      env,
    );
    await add('xargs -P ssh', N, PAR, r, (r.out.match(/load average/g) ?? []).length);
    const ansibleEnv = {
      ...env,
      ANSIBLE_HOST_KEY_CHECKING: 'True',
      ANSIBLE_PRIVATE_KEY_FILE: key,
      ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${kh} -o ControlMaster=auto -o ControlPersist=60s`,
      ANSIBLE_LOCAL_TEMP: join(tmp.path, 'ansible-local'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    };
    const ansibleHosts = endpoints.length;
    // Ansible's ControlPersist masters keep sshd sessions alive past the run: from here on
    // a row's server CPU cannot be told apart from theirs.
    serverValid = false;
    r = await timed(`ansible all -i ${inv} -m command -a uptime`, ansibleEnv);
    await add('ansible (default forks 5)', ansibleHosts, 5, r, (r.out.match(/\| CHANGED/g) ?? []).length);
    r = await timed(`ansible all -i ${inv} -m command -a uptime -f ${PAR}`, ansibleEnv);
    await add(`ansible -f ${PAR}`, ansibleHosts, PAR, r, (r.out.match(/\| CHANGED/g) ?? []).length);

    // Re-polls over kept connections vs fresh, in-process (no node start-up in the figures).
    const targets: SweepTarget[] = list.map((e, i) => ({ spec: `h${i}`, host: e.host, port: e.port, user }));
    const opts = createProbeOptions({ identityFiles: [key], knownHostsFile: kh, env: {}, home: tmp.path });
    const phase = async (name: string, probe: (t: SweepTarget) => Promise<{ status: string }>) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let ok = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: PAR }, async () => {
          while (next < targets.length) {
            const t = targets[next++] as SweepTarget;
            if ((await probe(t)).status === 'ok') ok++;
          }
        }),
      );
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      await add(name, targets.length, PAR, { wall, cpu: (c.user + c.system) / 1e6 }, ok);
    };
    await phase('in-process fresh (probeHost)', (t) => probeHost(t, opts));
    const pool = new SessionPool(opts);
    await phase('kept: first round (connects)', (t) => pool.probe(t));
    for (let i = 2; i <= 4; i++) await phase(`kept: re-poll round ${i}`, (t) => pool.probe(t));
    pool.close();

    const base = (name: string) => rows.find((x) => x.tool.startsWith(name));
    const thumpDefault = base('thump sweep (default)') as Row;
    const thumpSame = base('thump sweep') as Row;
    console.log(
      `\n| tool | hosts | parallelism | ok | wall s | hosts/s | client CPU ms/host | sshd CPU ms/host |`,
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const x of rows) {
      console.log(
        `| ${x.tool} | ${x.hosts} | ${x.par} | ${x.ok} | ${x.wallS.toFixed(2)} | ${x.rate.toFixed(1)} | ${x.cpuMsPerHost.toFixed(2)} | ${x.serverMsPerHost?.toFixed(2) ?? '—'} |`,
      );
    }
    const ratio = (a: Row | undefined, b: Row | undefined) => (a && b ? (a.rate / b.rate).toFixed(2) : 'n/a');
    const pssh = base('parallel-ssh');
    const ans = base('ansible (default');
    const fresh = base('in-process fresh');
    const kept = rows.filter((x) => x.tool.startsWith('kept: re-poll'));
    const keptBest = kept.reduce((a, b) => (b.rate > a.rate ? b : a), kept[0] as Row);
    console.log('\nratios (rate / rate):');
    console.log(`  thump default vs pssh default: ${ratio(thumpDefault, pssh)}x (target >= 3.5x)`);
    console.log(`  thump -P ${PAR} vs pssh -p ${PAR}: ${ratio(thumpSame, pssh)}x`);
    console.log(`  thump default vs ansible default: ${ratio(thumpDefault, ans)}x (target >= 8x)`);
    console.log(`  thump -P ${PAR} vs ansible -f ${PAR}: ${ratio(thumpSame, base(`ansible -f`))}x`);
    console.log(`  thump -P ${PAR} vs xargs -P ${PAR}: ${ratio(thumpSame, base('xargs'))}x`);
    console.log(`  kept re-poll (best) vs fresh in-process: ${ratio(keptBest, fresh)}x (target >= 5x)`);
    console.log(
      `  thump client CPU: ${thumpDefault.cpuMsPerHost.toFixed(2)} ms/host incl. node start-up (target <= 3)`,
    );
    console.log(
      `  thump start-up alone (0 hosts): ${(startup.cpu * 1000).toFixed(0)} ms CPU, ${startup.wall.toFixed(2)} s wall; per host without it: ${((thumpDefault.cpuMsPerHost * thumpDefault.hosts - startup.cpu * 1000) / thumpDefault.hosts).toFixed(2)} ms`,
    );
    console.log(
      `  load average at end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
    );
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    tmp.cleanup();
  }
}

await main();
