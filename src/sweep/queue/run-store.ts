import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ResourceError, UsageError } from '../../errors.js';
import type { SweepTarget } from '../types.js';
import type { RunKeys } from './keys.js';

/** Lifecycle of a sweep run as stored in its meta hash. */
export type RunState = 'enqueuing' | 'running' | 'done';

/** The meta hash of one sweep run, decoded. */
export interface RunMeta {
  total: number;
  state: RunState;
  createdAt: number;
  finishedAt: number | null;
  ok: number;
  failed: number;
  /** Results dropped because the host already had one (re-probes after worker deaths). */
  duplicates: number;
  targetsHash: string;
  connectTimeoutMs?: number;
  timeoutMs?: number;
}

/** Identifies a host list independent of where it came from (file, stdin, Redis). */
export function targetsHash(targets: readonly SweepTarget[]): string {
  const h = createHash('sha256');
  for (const t of targets) h.update(`${t.spec}\n`);
  return h.digest('hex').slice(0, 32);
}

export async function loadMeta(client: Redis, keys: RunKeys): Promise<RunMeta | null> {
  const m = await client.hgetall(keys.meta);
  if (m.total === undefined || m.targetsHash === undefined) return null;
  const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
  return {
    total: Number(m.total),
    state: (m.state ?? 'running') as RunState,
    createdAt: Number(m.createdAt ?? 0),
    finishedAt: num(m.finishedAt) ?? null,
    ok: Number(m.ok ?? 0),
    failed: Number(m.failed ?? 0),
    duplicates: Number(m.duplicates ?? 0),
    targetsHash: m.targetsHash,
    ...(num(m.connectTimeoutMs) === undefined ? {} : { connectTimeoutMs: num(m.connectTimeoutMs) }),
    ...(num(m.timeoutMs) === undefined ? {} : { timeoutMs: num(m.timeoutMs) }),
  };
}

/**
 * Writes a new run: the target list first, then the meta fields `total` and `targetsHash`
 * last, which is the commit point (a producer that died half-way leaves a run that
 * {@link loadMeta} does not see, and the next start writes it again).
 */
export async function createRun(
  client: Redis,
  keys: RunKeys,
  targets: readonly SweepTarget[],
  opts: { now: number; ttlMs: number; connectTimeoutMs?: number; timeoutMs?: number },
): Promise<RunMeta> {
  // Only the list is reset (a half-written one from a producer that died here). The done
  // set and results are never deleted: no job exists before the commit below, and a
  // second producer racing on the same new id must not wipe what workers recorded.
  await client.del(keys.targets);
  for (let i = 0; i < targets.length; i += 1000) {
    const chunk = targets.slice(i, i + 1000).map((t) => JSON.stringify(t));
    await client.rpush(keys.targets, ...chunk);
  }
  const meta: RunMeta = {
    total: targets.length,
    state: 'enqueuing',
    createdAt: opts.now,
    finishedAt: null,
    ok: 0,
    failed: 0,
    duplicates: 0,
    targetsHash: targetsHash(targets),
    ...(opts.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: opts.connectTimeoutMs }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  };
  const fields: Record<string, string | number> = {
    state: meta.state,
    createdAt: meta.createdAt,
    ok: 0,
    failed: 0,
  };
  if (meta.connectTimeoutMs !== undefined) fields.connectTimeoutMs = meta.connectTimeoutMs;
  if (meta.timeoutMs !== undefined) fields.timeoutMs = meta.timeoutMs;
  fields.total = meta.total;
  fields.targetsHash = meta.targetsHash;
  await client.multi().hset(keys.meta, fields).pexpire(keys.meta, opts.ttlMs).exec();
  await expireRun(client, keys, opts.ttlMs);
  return meta;
}

/** Reads the stored target list of a run (a resumed producer needs no hosts file). */
export async function loadTargets(client: Redis, keys: RunKeys, meta: RunMeta): Promise<SweepTarget[]> {
  const raw = await client.lrange(keys.targets, 0, -1);
  const targets = raw.map((s) => JSON.parse(s) as SweepTarget);
  if (targets.length !== meta.total || targetsHash(targets) !== meta.targetsHash) {
    throw new ResourceError(
      `the stored host list of this sweep is incomplete (${targets.length} of ${meta.total}); pass the hosts file again`,
    );
  }
  return targets;
}

/** Fails with a usage error when a resumed sweep is given a different host list. */
export function checkSameTargets(sweepId: string, meta: RunMeta, targets: readonly SweepTarget[]): void {
  if (targetsHash(targets) !== meta.targetsHash) {
    throw new UsageError(
      `sweep ${sweepId} was started with a different host list (${meta.total} hosts, this one has ${targets.length}); pass the same list or none to resume it`,
    );
  }
}

/** Sets the same time-to-live on every key of the run (refreshed while a producer collects). */
export async function expireRun(client: Redis, keys: RunKeys, ttlMs: number): Promise<void> {
  await client
    .multi()
    .pexpire(keys.meta, ttlMs)
    .pexpire(keys.targets, ttlMs)
    .pexpire(keys.done, ttlMs)
    .pexpire(keys.results, ttlMs)
    .exec();
}

export async function setState(client: Redis, keys: RunKeys, state: RunState, now?: number): Promise<void> {
  if (now === undefined) await client.hset(keys.meta, 'state', state);
  else await client.hset(keys.meta, 'state', state, 'finishedAt', now);
}

/** Specs of `targets` that already have a recorded result (SMISMEMBER in chunks). */
export async function doneSpecs(
  client: Redis,
  keys: RunKeys,
  targets: readonly SweepTarget[],
): Promise<Set<string>> {
  const done = new Set<string>();
  for (let i = 0; i < targets.length; i += 1000) {
    const chunk = targets.slice(i, i + 1000).map((t) => t.spec);
    const flags = await client.smismember(keys.done, ...chunk);
    chunk.forEach((spec, j) => {
      if (flags[j] === 1) done.add(spec);
    });
  }
  return done;
}
