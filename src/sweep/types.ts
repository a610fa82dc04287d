/** One host to probe, as parsed from a hosts file line or stdin. */
export interface SweepTarget {
  /** The text as written (`user@host:port`), used as the result's key. */
  spec: string;
  host: string;
  port: number;
  user: string;
  /**
   * Extra private key files for this host only (from `~/.ssh/config` IdentityFile),
   * tried before the sweep-wide keys. Paths on the probing machine.
   */
  identityFiles?: string[];
}

/** Why a probe failed. Each class has its own counter and summary line. */
export type SweepErrorClass =
  | 'dns'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'auth'
  | 'host-key'
  | 'command'
  | 'protocol';

export interface SweepOk {
  status: 'ok';
  target: string;
  host: string;
  /** ms since epoch when the answer came back. */
  at: number;
  durationMs: number;
  uptimeSeconds: number;
  /** ISO 8601 of `at - uptimeSeconds`. */
  bootedAt: string;
  load1: number;
  load5: number;
  load15: number;
  /** Logged-in users when the fallback `uptime` output said so. */
  users?: number;
}

export interface SweepFailure {
  status: 'error';
  target: string;
  host: string;
  at: number;
  durationMs: number;
  errorClass: SweepErrorClass;
  message: string;
}

/** Exactly one per host per sweep round. */
export type SweepResult = SweepOk | SweepFailure;

/** Where results go: terminal table, JSON lines, CSV, the database. */
export interface SweepSink {
  write(result: SweepResult): void | Promise<void>;
  close(): void | Promise<void>;
}

/** One sweep run as stored for the API and dashboard. */
export interface SweepRun {
  id: string;
  startedAt: number;
  finishedAt: number | null;
  total: number;
  ok: number;
  failed: number;
  /** `local` or `redis` (distributed). */
  mode: 'local' | 'redis';
  /** Repeat interval of a `--every` sweep, ms; absent for a one-off run. */
  everyMs?: number;
}
