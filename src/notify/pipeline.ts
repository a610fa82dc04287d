import type pino from 'pino';
import { ConfigError, UsageError } from '../errors.js';
import type { MonitorView } from '../monitor/types.js';
import { type Fence, FencedError, type Store } from '../store/index.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { NotifyConfig } from './config.js';
import { Dependencies } from './dependencies.js';
import { Dispatcher } from './dispatcher.js';
import { toNotifyError } from './errors.js';
import { createNotifier, testBatch } from './notifiers/index.js';
import { checkRoutes, Router } from './routes.js';
import { type SelfAlertKind, SelfAlerts } from './self-alert.js';
import { type NewSilence, type SilenceInput, SilenceMatcher, validateSilence } from './silences.js';
import type { Notifier, NotifyView } from './types.js';
import { Watchdog } from './watchdog.js';

/** What `startNotifyPipeline` needs; the store must already be open (`openStore`). */
export interface NotifyPipelineDeps {
  /** Its outbox, silences and event log (the events' hook queues the outbox rows). */
  store: Store;
  monitor: MonitorView;
  /** The notify keys of thump.yaml (notifiers, routes, grouping, silences, watchdog, delivery). */
  config: NotifyConfig;
  logger?: pino.Logger;
  clock?: Clock;
  /** Ready-made notifiers instead of building them from `config.notifiers` (tests, benches). */
  notifiers?: readonly Notifier[];
  /** Jitter source for retry backoff (tests). */
  random?: () => number;
  /**
   * High availability: the outbox, cursor and config silences are written only while this
   * gives a fence (the active monitor), fenced with it; the wiring calls
   * {@link NotifyPipeline.activate} when the monitor becomes active. Absent: alone, active
   * from the start.
   */
  ha?: { fence(): Fence | undefined; noteFenced(epoch: number): void };
  /** This monitor's HA id, named in self-alerts. */
  monitorId?: string;
}

/** The running pipeline: its view for the API and /metrics, and `stop()`. */
export type NotifyPipeline = NotifyView & {
  stop(): Promise<void>;
  /** Runs one dispatcher step now and waits for the sends it started (tests, benchmarks). */
  flush(): Promise<void>;
  /**
   * The monitor just became active: mirrors the config silences, queues what events
   * recorded without outbox rows lack (the cursor), then starts delivering from the
   * store's outbox state. Fenced; a refused write steps the monitor down.
   */
  activate(): Promise<void>;
  /** Sends a self-alert ("store unreachable" / "reachable again") to `self_alerts` notifiers. */
  selfAlert(kind: SelfAlertKind, detail: string): Promise<void>;
};

/**
 * Config silences, checked by the same schema as API silences (silence-input.ts). The config
 * schema already checked each field; what needs `now` (an end more than 10 years away) is a
 * ConfigError here naming the entry.
 */
function configSilences(cfg: NotifyConfig, now: number): NewSilence[] {
  return cfg.silences.map((s, i) => {
    const input: SilenceInput = { hostGlob: s.hosts, comment: s.comment, createdBy: 'thump.yaml' };
    if (s.starts_at !== undefined) input.startsAt = Date.parse(s.starts_at);
    else input.startsAt = 0;
    input.endsAt = s.ends_at !== undefined ? Date.parse(s.ends_at) : null;
    if (s.cron !== undefined) input.cron = s.cron;
    if (s.duration !== undefined) input.durationMs = s.duration;
    try {
      return validateSilence(input, now, 'config');
    } catch (err) {
      throw new ConfigError(`silences[${i}]: ${(err as Error).message.replace(/^silence: /, '')}`);
    }
  });
}

/** Catch-up page size when replaying events recorded while no pipeline was attached. */
const CATCH_UP_PAGE = 1_000;

/**
 * Starts the notification pipeline for a running monitor: mirrors config silences, builds
 * the notifiers (a broken one stops start-up with a ConfigError), hooks into the event
 * log's transactions (`store.events.onRecorded`: outbox rows are written atomically with
 * the events), catches up on events recorded since the last run, and starts the
 * dispatcher and the optional watchdog.
 */
export async function startNotifyPipeline(deps: NotifyPipelineDeps): Promise<NotifyPipeline> {
  const clock = deps.clock ?? systemClock;
  const cfg = deps.config;
  const { store, monitor } = deps;
  const log = deps.logger?.child({ component: 'notify' });

  const notifiers =
    deps.notifiers ?? cfg.notifiers.map((n) => createNotifier(n, { clock, ...(log ? { logger: log } : {}) }));
  const names = notifiers.map((n) => n.name);
  const problems = checkRoutes(names, cfg.routes);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const silences = configSilences(cfg, clock.now());
  const selfTargets = new Set(cfg.notifiers.filter((n) => n.self_alerts !== false).map((n) => n.name));
  const selfAlerts = new SelfAlerts({
    notifiers: deps.notifiers ?? notifiers.filter((n) => selfTargets.has(n.name)),
    monitorId: deps.monitorId ?? 'thump',
    clock,
    attemptTimeoutMs: cfg.delivery.attempt_timeout,
    logger: log,
  });
  const ha = deps.ha;
  const dispatcher = new Dispatcher({
    store: store.outbox,
    notifiers,
    router: new Router(cfg.routes, names, cfg.alert_after),
    dependencies: new Dependencies(cfg.dependencies),
    world: {
      host: (id) => monitor.host(id),
      silences: async () => new SilenceMatcher(await store.silences.list({ activeOrPendingAt: clock.now() })),
    },
    timing: {
      groupWaitMs: cfg.grouping.group_wait,
      repeatIntervalMs: cfg.grouping.repeat_interval,
      maxListed: cfg.grouping.max_listed,
      retryInitialMs: cfg.delivery.retry_initial,
      retryMaxMs: cfg.delivery.retry_max,
      retryDeadlineMs: cfg.delivery.retry_deadline,
      attemptTimeoutMs: cfg.delivery.attempt_timeout,
    },
    clock,
    logger: log,
    ...(deps.random ? { random: deps.random } : {}),
    ...(ha ? { fence: () => ha.fence(), onFenced: (err: FencedError) => ha.noteFenced(err.mine) } : {}),
  });

  // Rows are written in the events' own transaction, so nothing is lost in a crash; the
  // cursor only matters for events recorded while no pipeline was attached (a run with the
  // pipeline failing to queue, or tools writing the event log directly).
  const catchUp = async (fence: Fence | undefined) => {
    await store.silences.replaceConfig(silences, fence);
    const cursor = await store.outbox.cursor();
    const last = await store.events.lastId();
    if (cursor === undefined) {
      await store.outbox.setCursor(last, fence); // first run on this store: history is not news
      return;
    }
    let from = cursor;
    while (from < last) {
      const page = await store.events.list({
        afterId: from,
        beforeId: from + CATCH_UP_PAGE + 1,
        limit: CATCH_UP_PAGE,
      });
      await store.outbox.enqueue(dispatcher.rows(page.reverse()), fence);
      from += CATCH_UP_PAGE;
      await store.outbox.setCursor(Math.min(from, last), fence);
    }
  };
  if (!ha) await catchUp(undefined);
  const unhook = store.events.onRecorded((events) => {
    try {
      const rows = dispatcher.rows(events);
      dispatcher.noteQueued(rows.length);
      return rows;
    } catch (err) {
      // Throwing would roll the events back too: the monitor still records them, unsent.
      dispatcher.noteError(err);
      log?.error(
        { err, events: events.length, firstId: events[0]?.id },
        'could not queue notifications for recorded events; they will not be sent',
      );
      return [];
    }
  });
  // The monitor publishes an event only after its transaction committed: the rows are there.
  const unsubscribe = monitor.subscribe(() => dispatcher.kick());
  await dispatcher.refreshDepth();
  dispatcher.start();

  const watchdog = cfg.watchdog
    ? new Watchdog({
        url: cfg.watchdog.url,
        intervalMs: cfg.watchdog.interval,
        timeoutMs: cfg.watchdog.timeout,
        method: cfg.watchdog.method,
        clock,
        logger: log,
      })
    : undefined;
  watchdog?.start();
  log?.info(
    { notifiers: names, routes: cfg.routes.length, groupWaitMs: cfg.grouping.group_wait },
    `notify pipeline started with ${names.length} notifier(s)`,
  );

  return {
    notifiers: () => dispatcher.statusList(),
    outboxDepth: () => dispatcher.depth(),
    dispatcher: () => dispatcher.health(),
    async test(name: string) {
      const n = dispatcher.notifier(name);
      if (!n) throw new UsageError(`no notifier named "${name}" (known: ${names.join(', ') || 'none'})`);
      try {
        await n.send(testBatch(name, clock.now()), AbortSignal.timeout(cfg.delivery.attempt_timeout));
        dispatcher.noteTest(name);
      } catch (err) {
        const e = toNotifyError(err);
        dispatcher.noteTest(name, e.message);
        throw e;
      }
    },
    async flush() {
      await dispatcher.step();
      await dispatcher.idle();
    },
    selfAlert: (kind, detail) => selfAlerts.send(kind, detail),
    async activate() {
      const fence = ha?.fence();
      if (ha && fence === undefined) return;
      try {
        await catchUp(fence);
      } catch (err) {
        if (err instanceof FencedError) {
          ha?.noteFenced(err.mine);
          return;
        }
        // The dispatcher still delivers what is queued; the next takeover catches up again.
        log?.error({ err: (err as Error).message }, 'notify: could not catch up on recorded events');
      }
      await dispatcher.refreshDepth().catch(() => undefined);
      dispatcher.kick();
    },
    async stop() {
      unhook();
      unsubscribe();
      await watchdog?.stop();
      await dispatcher.stop();
    },
  };
}
