import { z } from 'zod';
import { duration } from '../../config/zod.js';
import type { CheckResult } from '../../protocol/types.js';

/** Runs a check once; `signal` aborts when its timeout passes (or the agent stops). */
export type CheckRun = (signal: AbortSignal) => Promise<CheckResult[]>;

/**
 * One kind of hardware/custom check: its `type` in thump.yaml, its config schema and a
 * factory. Adding a kind = one file exporting a CheckKind + one line in registry.ts.
 */
export interface CheckKind<C extends CommonCheckConfig = CommonCheckConfig> {
  type: string;
  /** Strict zod object including {@link commonCheckFields} and `type: z.literal(...)`. */
  schema: z.ZodType<C>;
  /** Builds the runner from validated config (no I/O until the runner is called). */
  create(config: C): CheckRun;
}

const NAME = /^[A-Za-z0-9_.-]{1,24}$/;

/** Fields every check has; the scheduler uses interval/timeout/timeout_state. */
export const commonCheckFields = {
  /** Result id on the wire (and prefix `name:` for per-mount/per-array results); default: the type. */
  name: z.string().regex(NAME, 'expected 1-24 characters of A-Z a-z 0-9 _ . -').optional(),
  /** How often the check runs. */
  interval: duration().default(60_000),
  /** A run still going after this is abandoned (process killed) and reported. */
  timeout: duration().default(10_000),
  /** Severity reported for a timed-out run (Nagios 4's service_check_timeout_state default). */
  timeout_state: z.enum(['critical', 'unknown', 'warning']).default('critical'),
};

export interface CommonCheckConfig {
  type: string;
  name?: string | undefined;
  interval: number;
  timeout: number;
  timeout_state: 'critical' | 'unknown' | 'warning';
}

/** The id results of this check carry: the configured name, else the type. */
export function checkName(c: CommonCheckConfig): string {
  return c.name ?? c.type;
}

/** 0 below warn, 1 from warn, 2 from crit (thresholds are "at or above"). */
export function severityFor(value: number, warn: number, crit: number): 0 | 1 | 2 {
  if (value >= crit) return 2;
  if (value >= warn) return 1;
  return 0;
}

export const STATE_WORDS = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** `name:sub` capped at 32 bytes (the wire limit), keeping the informative tail of `sub`. */
export function subId(name: string, sub: string): string {
  const id = `${name}:${sub}`;
  if (Buffer.byteLength(id) <= 32) return id;
  const room = 32 - Buffer.byteLength(name) - 2;
  return `${name}:~${[...sub].slice(-Math.max(1, room)).join('')}`.slice(0, 32);
}

/** Percent thresholds 0..100 with warn <= crit. */
export function percentThresholds(warn: number, crit: number) {
  return {
    warn: z.number().min(0).max(100).default(warn),
    crit: z.number().min(0).max(100).default(crit),
  };
}

export const warnBelowCrit = <T extends { warn: number; crit: number }>(c: T) => c.warn <= c.crit;
export const warnBelowCritMessage = { message: 'expected warn <= crit', path: ['warn'] };
