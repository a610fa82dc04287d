import { z } from 'zod';
import type { SweepTarget } from '../types.js';

/**
 * The payload of one BullMQ job: one host of one sweep, plus the sweep-wide timeouts the
 * producer chose (workers bring their own keys and known_hosts). Versioned so a newer
 * worker can still read an older producer's jobs.
 */
export interface SweepJobData {
  v: 1;
  sweepId: string;
  target: SweepTarget;
  connectTimeoutMs?: number;
  timeoutMs?: number;
}

const jobDataSchema = z.object({
  v: z.literal(1),
  sweepId: z.string().min(1),
  target: z.object({
    spec: z.string().min(1),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    user: z.string(),
  }),
  connectTimeoutMs: z.number().positive().optional(),
  timeoutMs: z.number().positive().optional(),
});

/** Validates a payload read back from Redis; returns a reason string when it is not ours. */
export function parseJobData(v: unknown): SweepJobData | string {
  const r = jobDataSchema.safeParse(v);
  if (!r.success) return `bad sweep job payload: ${r.error.issues[0]?.message ?? 'invalid'}`;
  return r.data as SweepJobData;
}
