/**
 * Opening a logged-in ssh2 connection for the probe (I/O edge), in named phases: name
 * lookup and TCP connect, SSH handshake with the host key checked before any login, then
 * login with keys or the agent. Every failure is one classified ProbeError.
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
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { classifyError, ProbeError } from './classify.js';
import type { HostKeyVerifier } from './host-key-policy.js';
import type { SweepTarget } from './types.js';

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
  /** Remote command; defaults to `PROBE_COMMAND` (uptime-parse.ts). */
  command?: string;
  /** Wall clock for result timestamps. */
  clock?: Clock;
  /** SSH keepalive on kept connections (ms, 0/undefined: off), to notice dead peers between rounds. */
  keepaliveIntervalMs?: number;
}

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

/** How far one connection attempt got; a timeout message and error class depend on it. */
type OpenPhase = 'dns' | 'connect' | 'handshake' | 'auth';

/**
 * One connection attempt: the ssh2 client, the phase reached, the armed deadline timer and
 * the single outcome (resolve with the logged-in client, or reject once with a ProbeError).
 */
class Opening {
  readonly client: Client = new ssh2.Client();
  readonly start = performance.now();
  readonly keys: readonly Identity[];
  /** Host key types known_hosts records for this host (offered to the server), if any. */
  readonly serverHostKey: string[] | undefined;
  phase: OpenPhase;
  settled = false;
  /** Why the host key was refused (set by the verifier, reported instead of ssh2's error). */
  hostKeyProblem: string | undefined;
  sock: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly target: SweepTarget,
    readonly opts: ProbeOptions,
    private readonly onReady: (c: Client) => void,
    private readonly onFail: (err: ProbeError) => void,
  ) {
    this.phase = isIP(target.host) === 0 ? 'dns' : 'connect';
    this.keys = opts.auth.keysFor(target);
    this.serverHostKey = opts.hostKeys.algorithmsFor(target.host, target.port);
  }

  fail(err: ProbeError): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.client.destroy();
    this.sock?.destroy();
    this.onFail(err);
  }

  succeed(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.onReady(this.client);
  }

  /** (Re)arms the one deadline timer: at `at` (absolute, performance.now) the attempt fails. */
  arm(at: number, message: () => string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(
      // A resolver that does not answer in time is a DNS failure, not a slow host.
      () => this.fail(new ProbeError(this.phase === 'dns' ? 'dns' : 'timeout', message())),
      Math.max(0, at - performance.now()),
    );
  }
}

/**
 * Opens a logged-in ssh2 connection or rejects with a classified {@link ProbeError}.
 * `deadline` is absolute on `performance.now()`. Phases: name lookup and TCP connect
 * ({@link connectPhase}), then SSH handshake and login ({@link handshakePhase}), watched
 * by {@link watchClient}; `connectTimeoutMs` bounds the first three, `deadline` the login.
 */
export function openClient(target: SweepTarget, opts: ProbeOptions, deadline: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const o = new Opening(target, opts, resolve, reject);
    const connectDeadline = Math.min(o.start + opts.connectTimeoutMs, deadline);
    o.arm(connectDeadline, () => connectTimeoutMessage(o, formatDuration(connectDeadline - o.start)));
    watchClient(o, deadline);
    connectPhase(o);
  });
}

function connectTimeoutMessage(o: Opening, within: string): string {
  const { host, port } = o.target;
  if (o.phase === 'dns') return `name lookup for ${host} did not answer within ${within}`;
  if (o.phase === 'connect') return `TCP connect to ${host}:${port} did not complete within ${within}`;
  return `no SSH handshake from ${host}:${port} within ${within} (TCP accepted, server silent or too slow)`;
}

/** Follows the client's events: phase changes, the login deadline, and the one outcome. */
function watchClient(o: Opening, deadline: number): void {
  const { client, opts } = o;
  client.on('connect', () => {
    o.phase = 'handshake';
  });
  client.on('handshake', () => {
    o.phase = 'auth';
    o.arm(deadline, () => `login did not complete within the ${formatDuration(opts.timeoutMs)} host timeout`);
  });
  client.on('ready', () => o.succeed());
  client.on('error', (err: Error) => {
    if (o.settled) return;
    o.fail(clientError(o, err));
  });
  client.on('close', () => {
    // Every connection closes, most after a result: build no error (and stack) for those.
    if (o.settled) return;
    o.fail(
      o.hostKeyProblem
        ? new ProbeError('host-key', o.hostKeyProblem)
        : new ProbeError(
            'protocol',
            o.phase === 'auth'
              ? 'connection closed by the server during login'
              : 'connection closed by the server before the SSH handshake',
          ),
    );
  });
}

/** An ssh2 client error as the user should read it: host key, login, or as classified. */
function clientError(o: Opening, err: Error): ProbeError {
  const { target, opts, serverHostKey } = o;
  if (o.hostKeyProblem) return new ProbeError('host-key', o.hostKeyProblem);
  const c = classifyError(err);
  if (serverHostKey && /no matching host key/i.test(c.message)) {
    return new ProbeError(
      'host-key',
      `${target.host}:${target.port} offers none of the host key types known_hosts records for it (${serverHostKey.join(', ')}); its host key changed type, or the entry is stale; no login attempted`,
    );
  }
  if (c.errorClass === 'auth') {
    const tried = [...o.keys.map((k) => k.label), ...(opts.auth.agent ? ['ssh-agent'] : [])];
    return new ProbeError(
      'auth',
      tried.length === 0
        ? `no key to log in as ${target.user}: pass -i FILE or run an ssh-agent`
        : `server rejected login as ${target.user} (tried ${tried.join(', ')})`,
    );
  }
  return c;
}

/**
 * Name lookup and TCP connect. The name is resolved here (getaddrinfo, as ssh does) so time
 * spent waiting for DNS is told apart from a slow TCP connect or a silent server; then each
 * address is tried in turn like OpenSSH (a name with ::1 and 127.0.0.1 still reaches an
 * IPv4-only sshd). The first socket that connects goes on to {@link handshakePhase}.
 */
function connectPhase(o: Opening): void {
  const { target } = o;
  const addresses =
    o.phase === 'dns'
      ? lookup(target.host, { all: true }).then((r) => r.map((a) => a.address))
      : Promise.resolve([target.host]);
  const tryAddress = (list: string[], i: number, lastErr?: unknown): void => {
    if (o.settled) return;
    const address = list[i];
    if (address === undefined) {
      o.fail(classifyError(lastErr));
      return;
    }
    const s = createConnection({ host: address, port: target.port });
    o.sock = s;
    s.once('error', (err) => {
      if (o.sock === s && o.phase === 'connect') tryAddress(list, i + 1, err);
    });
    s.once('connect', () => {
      if (o.settled) return;
      s.removeAllListeners('error');
      handshakePhase(o, s);
    });
  };
  addresses.then(
    (list) => {
      if (o.settled) return;
      o.phase = 'connect';
      tryAddress(list, 0, new Error(`no address for ${target.host}`));
    },
    (err: unknown) => o.fail(classifyError(err)),
  );
}

/** Login methods in order: the keys, and the agent after them (before with `agentFirst`). */
function authMethods(o: Opening): AuthMethod[] {
  const { target, opts } = o;
  const methods: AuthMethod[] = o.keys.map((k) => ({
    type: 'publickey' as const,
    username: target.user,
    key: k.key,
  }));
  if (opts.auth.agent) {
    const viaAgent: AgentAuthMethod = { type: 'agent', username: target.user, agent: opts.auth.agent };
    if (opts.auth.agentFirst) methods.unshift(viaAgent);
    else methods.push(viaAgent);
  }
  return methods;
}

/**
 * SSH handshake and login over a connected socket: the host key is checked by the
 * verifier before any login is attempted; our own deadlines replace ssh2's readyTimeout.
 */
function handshakePhase(o: Opening, connected: Socket): void {
  const { client, target, opts, serverHostKey } = o;
  try {
    client.connect({
      sock: connected,
      port: target.port,
      username: target.user,
      readyTimeout: 0, // our own deadlines (Opening.arm)
      keepaliveInterval: opts.keepaliveIntervalMs ?? 0,
      keepaliveCountMax: 3,
      authHandler: authMethods(o),
      hostVerifier: (key: Buffer) => {
        o.hostKeyProblem = opts.hostKeys.verify(target.host, target.port, key);
        return o.hostKeyProblem === undefined;
      },
      algorithms: {
        kex: KEX_PREFERENCE,
        ...(serverHostKey ? { serverHostKey: serverHostKey as never } : {}),
      },
    });
    ignoreHostKeyAnnouncements(client);
  } catch (err) {
    o.fail(new ProbeError('protocol', `cannot start connection: ${(err as Error).message}`));
  }
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
