import { z } from 'zod';
import { duration, parsedBy } from '../config/zod.js';
import { checksConfigSchema } from './checks/registry.js';
import { parseHostPort } from './destinations.js';

/** The classic PyHeartBeat port, thump's default. */
export const DEFAULT_AGENT_PORT = 43278;

/** A `HOST[:PORT]` target as {@link parseHostPort} reads it when the agent starts. */
const target = parsedBy('agent.to', (text, what) => parseHostPort(text, DEFAULT_AGENT_PORT, what));

/**
 * Top-level thump.yaml keys owned by src/agent/: the `agent:` section and the top-level
 * `checks:` list (issue 3's shape). Flags (`--to`, `--interval`...) override `agent:` keys.
 */
export const agentConfigShape = {
  agent: z
    .strictObject({
      /** Host identity on the wire; default: the machine's hostname. */
      id: z.string().min(1).optional(),
      /** Monitors to send to: `HOST`, `HOST:PORT`, `[V6]:PORT`. Names are re-resolved. */
      to: z.array(target).default([]),
      /** IPv4 broadcast: `true` for 255.255.255.255, or a subnet broadcast address. */
      broadcast: z.union([z.boolean(), z.string()]).default(false),
      /** Multicast groups (IPv4 224.0.0.0/4 or IPv6 ff00::/8, `GROUP` or `GROUP:PORT`). */
      multicast: z.array(z.string()).default([]),
      /** Hops a multicast beat may travel (1 = this link only). */
      multicast_ttl: z.number().int().min(0).max(255).default(1),
      /** Interface multicast leaves by: an IPv4 address, or `::%eth0` for IPv6. */
      multicast_interface: z.string().optional(),
      /** Destination port when a destination names none. */
      port: z.number().int().min(1).max(65535).default(DEFAULT_AGENT_PORT),
      /** Beat interval; the monitor derives this host's timeout from it (3x by default). */
      interval: duration()
        .default(5_000)
        .refine((ms) => ms >= 100 && ms <= 86_400_000, 'expected an interval between 100ms and 1d'),
      /** Random delay added to each beat; default 10% of the interval, at most 1s. */
      jitter: duration().optional(),
      /** Shared secret file (first line is used); `THUMP_SECRET` works too. */
      secret_file: z.string().optional(),
      /** Labels sent with every beat, used by routes and dependencies (`parent: switch-3`). */
      labels: z
        .record(
          z
            .string()
            .regex(/^[A-Za-z0-9_.\-/]{1,32}$/, 'expected a label key of 1-32 characters A-Z a-z 0-9 _ . - /'),
          z.string(),
        )
        .default({}),
      /** How long a resolved monitor address is reused before the name is looked up again. */
      resolve_ttl: duration().default(30_000),
    })
    .prefault({}),
  /** Hardware and custom checks the agent runs; results ride in its beats. */
  checks: checksConfigSchema,
} satisfies z.ZodRawShape;

export type AgentConfig = z.output<(typeof agentConfigShape)['agent']>;
