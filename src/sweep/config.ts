import { z } from 'zod';
import { duration } from '../config/zod.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './defaults.js';

/**
 * The `sweep:` section of thump.yaml (owned by src/sweep/): defaults for `thump sweep`
 * that a fleet always wants (its key files, known_hosts, timeouts, concurrency, store).
 * Flags override it, `THUMP_SWEEP__*` variables override the file.
 */
export const sweepConfigShape = {
  sweep: z
    .strictObject({
      /** Hosts probed at once. */
      concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).default(DEFAULT_CONCURRENCY),
      /** TCP connect + SSH handshake limit per host. */
      connect_timeout: duration().prefault('10s'),
      /** Limit for the whole exchange with one host. */
      timeout: duration().prefault('30s'),
      /** Private key files tried in order (empty: ssh-agent, then ~/.ssh/id_*). */
      identity_files: z.array(z.string().min(1)).default([]),
      /** known_hosts file (default ~/.ssh/known_hosts). */
      known_hosts_file: z.string().min(1).optional(),
      /** `strict` (default), `accept-new` (trust on first use) or `insecure-ignore` (warns). */
      host_keys: z.enum(['strict', 'accept-new', 'insecure-ignore']).default('strict'),
      /** ssh client config to honour (default ~/.ssh/config). */
      ssh_config_file: z.string().min(1).optional(),
      /** SQLite file to store runs and results in (the monitor's db shows them). */
      db_path: z.string().min(1).optional(),
      /** Redis URL for distributed sweeps (prefer THUMP_SWEEP__REDIS to keep a password out of files). */
      redis: z.string().min(1).optional(),
    })
    .prefault({}),
} satisfies z.ZodRawShape;

export type SweepConfig = z.output<(typeof sweepConfigShape)['sweep']>;
