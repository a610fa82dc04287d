/**
 * Every bound on outside input (HTTP API, CLI flags, thump.yaml), defined once. The checks
 * (zod schemas, query-parameter readers, the glob checker), the OpenAPI document and the
 * "Limits" tables in docs/api.md and docs/configuration.md all read these numbers; a test
 * keeps the docs tables equal to them. Why bounds at all: a request's cost must be bounded by
 * its limits (issue 17: an unbounded glob froze the monitor).
 */
export const LIMITS = {
  /** Characters in one glob (host ids, label values): a host id is at most ~253 characters. */
  globLength: 256,
  /** Wildcards (`*`, `?`, `[...]`) in one glob. */
  globWildcards: 32,
  /** Globs in one list (routes[].hosts, dependencies[].hosts) and notifiers of one route. */
  globsPerList: 256,
  /** Entries of the config lists `routes:`, `dependencies:` and `silences:`. */
  configEntries: 1000,
  /** Characters of a host id given as a query parameter or a dependency parent. */
  hostIdLength: 256,
  /** Characters of a silence comment. */
  commentLength: 1024,
  /** Characters of a silence's createdBy. */
  createdByLength: 128,
  /** Characters of a cron expression. */
  cronLength: 128,
  /** Characters of a duration or time written as text (`2h`, an ISO 8601 time). */
  timeTextLength: 64,
  /** Longest silence window (`for`, `until - startsAt`) and cron window duration: 10 years. */
  silenceMaxMs: 10 * 365 * 86_400_000,
  /** Latest time accepted anywhere (9999-12-31T23:59:59.999Z; a Date reaches 275760). */
  maxTimeMs: 253_402_300_799_999,
  /** Label keys per filter (`?label=` repeated) and per route. */
  labelsPerFilter: 32,
  /** Characters of a label key. */
  labelKeyLength: 64,
  /** Characters of a label value (or label value glob). */
  labelValueLength: 256,
  /** Characters of one query parameter value. */
  queryValueLength: 1024,
  /** Values of one repeatable query parameter (`?state=up&state=down`, comma lists). */
  queryValues: 32,
  /** Largest page of `GET /api/hosts`. */
  hostsPage: 10_000,
  /** Largest page of `GET /api/events` and of a host's recent events. */
  eventsPage: 1000,
  /** Largest page of `GET /api/sweeps`. */
  sweepsPage: 1000,
  /** Active and pending silences at once (each is checked against every host on a listing). */
  activeSilences: 1000,
  /** Largest page of `GET /api/silences`. */
  silencesPage: 1000,
  /** Largest `offset` of a paged listing. */
  offset: 1_000_000_000,
} as const;

export type LimitName = keyof typeof LIMITS;
