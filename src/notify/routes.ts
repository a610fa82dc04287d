import type { EventType, HostEvent } from '../monitor/types.js';
import { globMatcher } from '../util/glob.js';
import type { RouteConfig } from './config.js';

/** Where one event goes: a notifier, and how many missed intervals to wait before a `down`. */
export interface RouteTarget {
  notifier: string;
  alertAfter: number;
}

interface CompiledRoute {
  notifiers: readonly string[];
  events?: ReadonlySet<EventType>;
  hosts?: Array<(id: string) => boolean>;
  labels?: Array<[string, (v: string) => boolean]>;
  alertAfter?: number;
}

/**
 * Routes, compiled once. Every route is checked (no first-match stop) and an event goes to
 * the union of the matching routes' notifiers; with several matching routes for one
 * notifier, the smallest `alert_after` wins. No routes at all = every event to every notifier.
 */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(
    routes: readonly RouteConfig[],
    private readonly allNotifiers: readonly string[],
    private readonly defaultAlertAfter: number,
  ) {
    this.routes = routes.map((r) => {
      const c: CompiledRoute = { notifiers: r.notifiers };
      if (r.events) c.events = new Set(r.events as EventType[]);
      if (r.hosts) c.hosts = r.hosts.map((g) => globMatcher(g));
      if (r.labels) c.labels = Object.entries(r.labels).map(([k, v]) => [k, globMatcher(v)]);
      if (r.alert_after !== undefined) c.alertAfter = r.alert_after;
      return c;
    });
  }

  /** The notifiers an event goes to, given its host's labels (empty when unknown). */
  targets(
    event: Pick<HostEvent, 'type' | 'hostId'>,
    labels: Readonly<Record<string, string>>,
  ): RouteTarget[] {
    if (this.routes.length === 0) {
      return this.allNotifiers.map((notifier) => ({ notifier, alertAfter: this.defaultAlertAfter }));
    }
    const out = new Map<string, number>();
    for (const r of this.routes) {
      if (r.events && !r.events.has(event.type)) continue;
      if (r.hosts && !r.hosts.some((m) => m(event.hostId))) continue;
      if (r.labels?.some(([k, m]) => labels[k] === undefined || !m(labels[k] as string))) continue;
      const after = r.alertAfter ?? this.defaultAlertAfter;
      for (const n of r.notifiers) out.set(n, Math.min(out.get(n) ?? after, after));
    }
    return [...out].map(([notifier, alertAfter]) => ({ notifier, alertAfter }));
  }
}

/**
 * Cross-key checks the per-key schema cannot do: notifier names unique, routes naming
 * existing notifiers. Returns one `path: message` line per problem.
 */
export function checkRoutes(notifierNames: readonly string[], routes: readonly RouteConfig[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  notifierNames.forEach((n, i) => {
    if (seen.has(n)) errors.push(`notifiers[${i}].name: "${n}" is used twice; names must be unique`);
    seen.add(n);
  });
  routes.forEach((r, i) => {
    r.notifiers.forEach((n, j) => {
      if (!seen.has(n)) {
        errors.push(
          `routes[${i}].notifiers[${j}]: no notifier named "${n}" (known: ${[...seen].join(', ') || 'none'})`,
        );
      }
    });
  });
  return errors;
}
