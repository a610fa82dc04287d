import { z } from 'zod';
import { duration, parsedBy } from '../config/zod.js';
import { DEFAULT_UDP_PORT, parseUdpListen } from './listen.js';

/**
 * The `monitor:` section of thump.yaml (owned by src/monitor/). snake_case, strict, defaults
 * declared here and nowhere else. CLI flags (`--udp`, `--db`, `--secret-file`, `--legacy`)
 * override these keys.
 */
export const monitorConfigShape = {
  monitor: z
    .strictObject({
      /**
       * UDP listen addresses: `PORT`, `ADDR:PORT` or `[V6ADDR]:PORT`. A bare port listens on
       * every IPv4 address (add `[::]:PORT` for IPv6).
       */
      udp: z
        .array(parsedBy('monitor.udp', parseUdpListen))
        .min(1, 'expected at least one UDP listen address')
        .default([String(DEFAULT_UDP_PORT)]),
      /** Multicast groups to join (`GROUP` or `GROUP@LOCAL_IFACE_ADDR`) on the matching-family sockets. */
      multicast: z.array(z.string()).default([]),
      /** Socket receive buffer in bytes (the kernel may cap it at net.core.rmem_max). */
      recv_buffer_bytes: z
        .number()
        .int()
        .min(65_536)
        .default(8 * 1024 * 1024),
      /**
       * UDP socket implementation: `native` reads batches of datagrams with one recvmmsg call
       * (native/udp_recv.c, built by `npm ci`), `dgram` uses node:dgram (one JS call per
       * datagram; about half the peak rate), `auto` uses native when it is built.
       */
      receiver: z.enum(['auto', 'native', 'dgram']).default('auto'),
      /** SQLite database file; relative to the config file's folder. */
      db_path: z.string().default('./data/thump.db'),
      /** Shared secret file (one secret per line; several lines during a rotation). */
      secret_file: z.string().optional(),
      /** Also accept the unauthenticated PyHeartBeat payloads `Thump!`/`PyHB` (identity = source IP). */
      legacy: z.boolean().default(false),
      /** Interval assumed for legacy senders (PyHeartBeat beats every 10 s). */
      legacy_interval: duration().default(10_000),
      /** A host is down after this many of its announced intervals without a valid beat. */
      timeout_multiplier: z.number().positive().max(1000).default(3),
      /** Fixed timeout for every host, overriding `timeout_multiplier`. */
      timeout: duration().optional(),
      /**
       * How a host's timeout is chosen: `fixed` (`timeout_multiplier` x interval, or `timeout`)
       * or `phi` (adaptive, learned per host from the gaps between its beats; see `phi`).
       */
      detector: z.enum(['fixed', 'phi']).default('fixed'),
      /** The phi accrual detector (`detector: phi`); docs/monitor.md explains the model. */
      phi: z
        .strictObject({
          /**
           * A host is down when phi reaches this: the modelled chance that its next beat is
           * still coming is 10^-threshold (8: timeout = mean gap + 5.6 standard deviations).
           */
          threshold: z.number().min(1).max(16).default(8),
          /** Floor on the standard deviation of the gaps (jitter the samples have not shown yet). */
          min_std: duration().default(100),
          /** The same floor as a fraction of the announced interval; the larger floor applies. */
          min_std_ratio: z.number().min(0).max(10).default(0.1),
          /**
           * Added to the mean gap (Akka's acceptable-heartbeat-pause): tolerates rare long pauses
           * (GC, a stalled agent) that the normal model would call a failure.
           */
          acceptable_pause: duration().default(0),
          /** The phi timeout never exceeds this many announced intervals. */
          max_timeout_multiplier: z.number().min(1).max(1000).default(10),
          /**
           * Gaps needed (after a first sighting, restart, recovery or interval change) before the
           * phi timeout replaces the fixed rule.
           */
          min_samples: z.number().int().min(1).max(255).default(5),
          /** Averaging window: each new gap weighs 1/window in the running mean and variance. */
          window: z.number().int().min(2).max(10_000).default(32),
        })
        .prefault({}),
      /** Freshness window for beat timestamps (against replays); wider tolerates worse clocks. */
      max_clock_skew: duration().default(300_000),
      /**
       * Most events kept in memory while they cannot be recorded (store outage, no HA lease);
       * beyond it the oldest are dropped and counted in `thump_events_dropped_total`.
       */
      max_pending_events: z.number().int().min(100).max(10_000_000).default(10_000),
      /** How often changed host rows are written to the database (events are written at once). */
      flush_interval: duration().default(1_000),
      /** Detector slot: deadlines are noticed at most this late plus timer latency. */
      detector_slot: duration().default(50),
      flapping: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** Flapping starts above this weighted state-change percentage (Icinga 2: 30). */
          high: z.number().min(0).max(100).default(30),
          /** Flapping stops below this percentage (Icinga 2: 25). */
          low: z.number().min(0).max(100).default(25),
        })
        .refine((f) => f.low <= f.high, { message: 'expected low <= high' })
        .prefault({}),
      partition: z
        .strictObject({
          enabled: z.boolean().default(true),
          /** Only suspect the monitor's own network when at least this many hosts are up. */
          min_hosts: z.number().int().min(2).default(4),
          /** ...and nothing at all was heard for this many of the overdue host's intervals. */
          silence_intervals: z.number().positive().default(2),
        })
        .prefault({}),
      /**
       * High availability: several monitors on one PostgreSQL store, one active at a time
       * (docs/high-availability.md). Ignored with SQLite, where the monitor is always alone.
       */
      ha: z
        .strictObject({
          /**
           * This monitor's name in the lease and its per-monitor rows; unique per monitor
           * (default: the machine's host name; set it when two monitors share a machine).
           */
          monitor_id: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'expected 1-128 letters, digits or . _ : @ -')
            .optional(),
          /** How long a taken or renewed lease lasts: a standby takes over about this long after the active dies. */
          lease_ttl: duration().default(3000),
          /**
           * The active stops acting this long before its lease ends (counted from the renew
           * request): more than the monitors' clock skew plus a write's time to the store.
           */
          lease_margin: duration().default(500),
          /** How often the lease is renewed (by the active) or tried (by a standby). */
          renew_interval: duration().default(1000),
          /**
           * How often each monitor publishes its liveness and suspect changes and reads the
           * others': the `down` of a host adds at most about this much detection delay.
           */
          publish_interval: duration().default(1000),
          /** A monitor whose liveness row is older than this counts as dead (it cannot veto a `down`). */
          live_window: duration().default(3000),
          /** Most suspect rows one monitor writes per publish (a mass outage is published over several). */
          max_suspect_rows: z.number().int().min(100).max(1_000_000).default(10_000),
        })
        .refine((h) => h.renew_interval < h.lease_ttl - h.lease_margin, {
          message:
            'expected renew_interval < lease_ttl - lease_margin (the lease must be renewed before the active stops acting)',
        })
        .refine((h) => h.live_window > h.publish_interval, {
          message:
            'expected live_window > publish_interval (a live monitor refreshes its row every publish_interval)',
        })
        .prefault({}),
    })
    .prefault({}),
} satisfies z.ZodRawShape;

export type MonitorConfig = z.output<(typeof monitorConfigShape)['monitor']>;
