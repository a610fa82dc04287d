/**
 * The ssh probe (I/O edge): connect, check the host key before any login, log in with
 * keys or the agent, run one command, parse, and always resolve with exactly one
 * result. Timing uses absolute deadlines on the monotonic clock: `connectTimeoutMs`
 * bounds TCP connect plus the SSH handshake, `timeoutMs` the whole exchange.
 */
import { lookup } from 'node:dns/promises';
import { createConnection, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import ssh2, {
  type AgentAuthMethod,
  type AlgorithmList,
  type AuthMethod,
  type Client,
  type KexAlgorithm,
  type ParsedKey,
} from 'ssh2';
import { type Clock, systemClock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { classifyError, ProbeError } from './classify.js';
import type { HostKeyVerifier } from './host-key-policy.js';
import type { SweepResult, SweepTarget } from './types.js';
import { PROBE_COMMAND, parseProbeOutput } from './uptime-parse.js';

/** A private key already parsed once for the whole sweep, with a name for messages. */
export interface Identity {
  label: string;
  key: ParsedKey;
}

/** Where login credentials come from. */
export interface ProbeAuth {
  /** Keys to offer this host, in order (per-host IdentityFile first). */
  keysFor(target: SweepTarget): readonly Identity[];
  /** ssh-agent socket path, tried after the keys (before them with `agentFirst`). */
  agent?: string;
  agentFirst?: boolean;
}

export interface ProbeOptions {
  auth: ProbeAuth;
  hostKeys: HostKeyVerifier;
  /** TCP connect + SSH handshake, ms. */
  connectTimeoutMs: number;
  /** The whole exchange for one host, ms. */
  timeoutMs: number;
  /** Remote command; defaults to {@link PROBE_COMMAND}. */
  command?: string;
  /** Wall clock for result timestamps. */
  clock?: Clock;
  /** SSH keepalive on kept connections (ms, 0/undefined: off), to notice dead peers between rounds. */
  keepaliveIntervalMs?: number;
}

/** Output of one remote command. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | undefined;
}

const MAX_OUTPUT = 64 * 1024;

/**
 * Key exchange: ECDH on NIST P-256 first, then ssh2's defaults (curve25519-sha256 first).
 * Against OpenSSH 9.2 it costs ~0.35 ms less client CPU per host than curve25519 (Node's
 * ECDH works on raw points; ssh2's X25519 goes through KeyObject generate, DER export and
 * import each time) and ~0.8 ms less on the server (docs/perf/sweep.md). Both are OpenSSH
 * defaults of ~128-bit strength; a server without P-256 still negotiates curve25519.
 */
const KEX_PREFERENCE: AlgorithmList<KexAlgorithm> = {
  remove: 'ecdh-sha2-nistp256', // ssh2 applies these in key order: out of its place,
  prepend: 'ecdh-sha2-nistp256', // then in at the front
  append: [],
};

/**
 * Opens a logged-in ssh2 connection or rejects with a classified {@link ProbeError}.
 * `deadline` is absolute on `performance.now()`.
 */
export function openClient(target: SweepTarget, opts: ProbeOptions, deadline: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const client = new ssh2.Client();
    let settled = false;
    const needsLookup = isIP(target.host) === 0;
    let phase: 'dns' | 'connect' | 'handshake' | 'auth' = needsLookup ? 'dns' : 'connect';
    let hostKeyProblem: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    const keys = opts.auth.keysFor(target);
    const serverHostKey = opts.hostKeys.algorithmsFor(target.host, target.port);
    let sock: Socket | undefined;
    const fail = (err: ProbeError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      sock?.destroy();
      reject(err);
    };
    const arm = (at: number, message: () => string) => {
      clearTimeout(timer);
      timer = setTimeout(
        // A resolver that does not answer in time is a DNS failure, not a slow host.
        () => fail(new ProbeError(phase === 'dns' ? 'dns' : 'timeout', message())),
        Math.max(0, at - performance.now()),
      );
    };
    const connectDeadline = Math.min(start + opts.connectTimeoutMs, deadline);
    const within = () => formatDuration(connectDeadline - start);
    arm(connectDeadline, () =>
      phase === 'dns'
        ? `name lookup for ${target.host} did not answer within ${within()}`
        : phase === 'connect'
          ? `TCP connect to ${target.host}:${target.port} did not complete within ${within()}`
          : `no SSH handshake from ${target.host}:${target.port} within ${within()} (TCP accepted, server silent or too slow)`,
    );
    client.on('connect', () => {
      phase = 'handshake';
    });
    client.on('handshake', () => {
      phase = 'auth';
      arm(deadline, () => `login did not complete within the ${formatDuration(opts.timeoutMs)} host timeout`);
    });
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });
    client.on('error', (err: Error) => {
      if (settled) return;
      if (hostKeyProblem) return fail(new ProbeError('host-key', hostKeyProblem));
      const c = classifyError(err);
      if (serverHostKey && /no matching host key/i.test(c.message)) {
        return fail(
          new ProbeError(
            'host-key',
            `${target.host}:${target.port} offers none of the host key types known_hosts records for it (${serverHostKey.join(', ')}); its host key changed type, or the entry is stale; no login attempted`,
          ),
        );
      }
      if (c.errorClass === 'auth') {
        const tried = [...keys.map((k) => k.label), ...(opts.auth.agent ? ['ssh-agent'] : [])];
        return fail(
          new ProbeError(
            'auth',
            tried.length === 0
              ? `no key to log in as ${target.user}: pass -i FILE or run an ssh-agent`
              : `server rejected login as ${target.user} (tried ${tried.join(', ')})`,
          ),
        );
      }
      fail(c);
    });
    client.on('close', () => {
      // Every connection closes, most after a result: build no error (and stack) for those.
      if (settled) return;
      fail(
        hostKeyProblem
          ? new ProbeError('host-key', hostKeyProblem)
          : new ProbeError(
              'protocol',
              phase === 'auth'
                ? 'connection closed by the server during login'
                : 'connection closed by the server before the SSH handshake',
            ),
      );
    });
    const authHandler: AuthMethod[] = keys.map((k) => ({
      type: 'publickey' as const,
      username: target.user,
      key: k.key,
    }));
    if (opts.auth.agent) {
      const viaAgent: AgentAuthMethod = { type: 'agent', username: target.user, agent: opts.auth.agent };
      if (opts.auth.agentFirst) authHandler.unshift(viaAgent);
      else authHandler.push(viaAgent);
    }
    // Resolve the name ourselves (getaddrinfo, as ssh does) so time spent waiting for DNS
    // is told apart from a slow TCP connect or a silent server; then try each address in
    // turn like OpenSSH (a name with ::1 and 127.0.0.1 still reaches an IPv4-only sshd).
    const addresses = needsLookup
      ? lookup(target.host, { all: true }).then((r) => r.map((a) => a.address))
      : Promise.resolve([target.host]);
    const tryAddress = (list: string[], i: number, lastErr?: unknown): void => {
      if (settled) return;
      const address = list[i];
      if (address === undefined) {
        fail(classifyError(lastErr));
        return;
      }
      const s = createConnection({ host: address, port: target.port });
      sock = s;
      s.once('error', (err) => {
        if (sock === s && phase === 'connect') tryAddress(list, i + 1, err);
      });
      s.once('connect', () => {
        if (settled) return;
        s.removeAllListeners('error');
        login(s);
      });
    };
    addresses.then(
      (list) => {
        if (settled) return;
        phase = 'connect';
        tryAddress(list, 0, new Error(`no address for ${target.host}`));
      },
      (err: unknown) => fail(classifyError(err)),
    );
    const login = (connected: Socket) => {
      try {
        client.connect({
          sock: connected,
          port: target.port,
          username: target.user,
          readyTimeout: 0, // our own deadlines above
          keepaliveInterval: opts.keepaliveIntervalMs ?? 0,
          keepaliveCountMax: 3,
          authHandler,
          hostVerifier: (key: Buffer) => {
            hostKeyProblem = opts.hostKeys.verify(target.host, target.port, key);
            return hostKeyProblem === undefined;
          },
          algorithms: {
            kex: KEX_PREFERENCE,
            ...(serverHostKey ? { serverHostKey: serverHostKey as never } : {}),
          },
        });
        ignoreHostKeyAnnouncements(client);
      } catch (err) {
        fail(new ProbeError('protocol', `cannot start connection: ${(err as Error).message}`));
      }
    };
  });
}

type GlobalRequestHandler = (proto: unknown, name: string, wantReply: boolean, data: unknown) => void;

/**
 * OpenSSH servers announce all their host keys right after login (`hostkeys-00@openssh.com`,
 * for the client's UpdateHostKeys). ssh2 answers every announcement by asking the server to
 * prove it holds each key, then parses each key and checks each signature: per host a
 * round trip, a signature per host key on the server and a key parse plus a verify per
 * host key here (~0.3 ms of client CPU with one ed25519 key, more for RSA keys), for a
 * list a sweep never uses (known_hosts is only written by --accept-new, from the key the
 * handshake verified). The announcement is dropped instead, as OpenSSH's ssh does with
 * UpdateHostKeys off. ssh2 has no option for this; should its internals change, this does
 * nothing and ssh2 keeps proving.
 */
function ignoreHostKeyAnnouncements(client: Client): void {
  const proto = (client as unknown as { _protocol?: { _handlers?: Record<string, unknown> } })._protocol;
  const handlers = proto?._handlers;
  const original = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof original !== 'function') return;
  handlers.GLOBAL_REQUEST = ((p, name, wantReply, data) => {
    if (name !== 'hostkeys-00@openssh.com')
      return (original as GlobalRequestHandler)(p, name, wantReply, data);
    // RFC 4254 4: a request we do not act on is refused when the sender wants a reply.
    if (wantReply) (proto as { requestFailure?: () => void }).requestFailure?.();
  }) satisfies GlobalRequestHandler;
}

/** Runs `command` on a ready client; rejects with a classified ProbeError. */
export function runCommand(
  client: Client,
  command: string,
  deadline: number,
  timeoutMs: number,
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: ProbeError | undefined, out?: CommandOutput) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeListener('close', onClose);
      if (err) reject(err);
      else resolve(out as CommandOutput);
    };
    const onClose = () => finish(new ProbeError('protocol', 'connection closed while the command ran'));
    client.once('close', onClose);
    const timer = setTimeout(
      () =>
        finish(
          new ProbeError(
            'timeout',
            `command did not finish within the ${formatDuration(timeoutMs)} host timeout`,
          ),
        ),
      Math.max(0, deadline - performance.now()),
    );
    try {
      client.exec(command, (err, stream) => {
        if (err) return finish(new ProbeError('command', `cannot run command: ${err.message}`));
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => {
          if (stdout.length < MAX_OUTPUT) stdout += d.toString('utf8');
        });
        stream.stderr.on('data', (d: Buffer) => {
          if (stderr.length < MAX_OUTPUT) stderr += d.toString('utf8');
        });
        stream.on('close', (code: number | null, signal?: string) => {
          finish(undefined, { stdout, stderr, code: code ?? null, signal });
        });
      });
    } catch (err) {
      finish(new ProbeError('protocol', `cannot run command: ${(err as Error).message}`));
    }
  });
}

/** Turns a command's output into the host's result (ok, or a `command` failure). */
export function resultFromOutput(
  target: SweepTarget,
  out: CommandOutput,
  at: number,
  durationMs: number,
): SweepResult {
  const parsed = parseProbeOutput(out.stdout);
  if ('error' in parsed) {
    const status = out.signal ? `killed by ${out.signal}` : `exit ${out.code ?? '?'}`;
    const err = out.stderr.trim().slice(0, 200);
    return failure(target, new ProbeError('command', `${status}: ${err || parsed.error}`), at, durationMs);
  }
  const ok: SweepResult = {
    status: 'ok',
    target: target.spec,
    host: target.host,
    at,
    durationMs,
    uptimeSeconds: parsed.uptimeSeconds,
    bootedAt: new Date(at - parsed.uptimeSeconds * 1000).toISOString(),
    load1: parsed.load1,
    load5: parsed.load5,
    load15: parsed.load15,
  };
  if (parsed.users !== undefined) ok.users = parsed.users;
  return ok;
}

/** Builds the failure result for a target. */
export function failure(target: SweepTarget, err: ProbeError, at: number, durationMs: number): SweepResult {
  return {
    status: 'error',
    target: target.spec,
    host: target.host,
    at,
    durationMs,
    errorClass: err.errorClass,
    message: err.message,
  };
}

/**
 * Probes one host over a fresh connection. Always resolves with exactly one result,
 * never rejects; the connection is closed before it resolves.
 */
export async function probeHost(target: SweepTarget, opts: ProbeOptions): Promise<SweepResult> {
  const clock = opts.clock ?? systemClock;
  const t0 = performance.now();
  const deadline = t0 + opts.timeoutMs;
  let client: Client | undefined;
  try {
    client = await openClient(target, opts, deadline);
    const out = await runCommand(client, opts.command ?? PROBE_COMMAND, deadline, opts.timeoutMs);
    return resultFromOutput(target, out, clock.now(), Math.round(performance.now() - t0));
  } catch (err) {
    return failure(target, classifyError(err), clock.now(), Math.round(performance.now() - t0));
  } finally {
    if (client) {
      const c = client;
      c.on('error', () => {});
      c.end();
      // A peer that never answers our close must not hold the socket (and an fd) forever.
      const t = setTimeout(() => c.destroy(), 5000);
      t.unref();
      c.once('close', () => clearTimeout(t));
    }
  }
}
