/**
 * thump's layers (docs/architecture.md "Layers", issue 11), checked by `npm run lint:deps`.
 *
 * Bottom to top:
 *   util, errors.ts, protocol      import nothing of thump above them
 *   config                         the loader and helpers; knows no area's keys
 *   store                          persistence; only *types* from the domains; its backends
 *                                  (store/sqlite/, store/postgres/) private to store/
 *   monitor, agent, sweep, notify  the domains; only notify -> monitor and sweep -> monitor
 *   http                           above every domain
 *   cli                            the top: the only place that wires areas together
 *
 * Every rule counts type-only imports too (a type pointing up is still a dependency on the
 * layer above), except the store's, which may name the domains' types. `no-circular` counts
 * every import. Tests (`*.test.ts`) are left out: a test may assemble anything.
 * A violation prints the rule's name (`depcruise` exits non-zero).
 */

const BOTTOM = '^src/(util/|protocol/|errors\\.ts$)';
const DOMAINS = '^src/(monitor|agent|sweep|notify)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only edges included) make the order of loading and of reading the code unclear.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'bottom-imports-no-layer',
      severity: 'error',
      comment: 'util, errors and protocol are the bottom layer: they import no other part of thump.',
      from: { path: BOTTOM },
      to: { path: '^src/(config|store|monitor|agent|sweep|notify|http|cli)/' },
    },
    {
      name: 'config-knows-no-area',
      severity: 'error',
      comment:
        'src/config/ is the loader and its helpers; the composed schema lives in src/cli/config-schema.ts and is passed in.',
      from: { path: '^src/config/' },
      to: { path: '^src/(store|monitor|agent|sweep|notify|http|cli)/' },
    },
    {
      name: 'store-imports-only-types-from-domains',
      severity: 'error',
      comment:
        'The store sits below the domains: it may name their types, never run their code (validation happens in the input schema, before the store is called).',
      from: { path: '^src/store/' },
      to: { path: DOMAINS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'store-below-http-and-cli',
      severity: 'error',
      comment: 'The store knows nothing of the HTTP layer or the CLI.',
      from: { path: '^src/store/' },
      to: { path: '^src/(http|cli)/' },
    },
    {
      name: 'store-backends-are-private',
      severity: 'error',
      comment:
        'Callers hold a Store from src/store/index.ts (openStore) and never learn the backend: only src/store/ may import src/store/sqlite/ or src/store/postgres/.',
      from: { path: '^src/', pathNot: '^src/store/' },
      to: { path: '^src/store/(sqlite|postgres)/' },
    },
    {
      name: 'store-shared-code-knows-no-backend',
      severity: 'error',
      comment:
        'The top of src/store/ is the interface and backend-neutral helpers; only open.ts chooses (and lazily loads) a backend.',
      from: { path: '^src/store/[^/]+\\.ts$', pathNot: '^src/store/open\\.ts$' },
      to: { path: '^src/store/(sqlite|postgres)/' },
    },
    {
      name: 'store-backends-stand-apart',
      severity: 'error',
      comment: 'A backend keeps its dialect to itself: SQLite and PostgreSQL share code only through src/store/*.ts.',
      from: { path: '^src/store/(sqlite|postgres)/' },
      to: { path: '^src/store/(sqlite|postgres)/', pathNot: '^src/store/$1/' },
    },
    {
      name: 'monitor-core-is-pure',
      severity: 'error',
      comment:
        'The monitor core (core.ts, host-registry.ts, detector.ts) takes values and a `now`; its host-state shape is HostSnapshot in monitor/types.ts, not a store row.',
      from: { path: '^src/monitor/(core|host-registry|detector)\\.ts$' },
      to: { path: '^src/store/' },
    },
    {
      name: 'monitor-imports-no-peer',
      severity: 'error',
      comment: 'notify and sweep may import monitor, never the reverse; monitor imports no other domain.',
      from: { path: '^src/monitor/' },
      to: { path: '^src/(agent|sweep|notify)/' },
    },
    {
      name: 'agent-stands-alone',
      severity: 'error',
      comment: 'The agent runs on every host: it imports no other domain.',
      from: { path: '^src/agent/' },
      to: { path: '^src/(monitor|sweep|notify)/' },
    },
    {
      name: 'sweep-imports-only-monitor',
      severity: 'error',
      comment: 'Of the domains, sweep may import only monitor (events, host state, the core input API).',
      from: { path: '^src/sweep/' },
      to: { path: '^src/(agent|notify)/' },
    },
    {
      name: 'notify-imports-only-monitor',
      severity: 'error',
      comment: 'Of the domains, notify may import only monitor (events, host state).',
      from: { path: '^src/notify/' },
      to: { path: '^src/(agent|sweep)/' },
    },
    {
      name: 'domains-below-http',
      severity: 'error',
      comment: 'The HTTP layer sits above the domains: a domain never imports it (cli wires them together).',
      from: { path: DOMAINS },
      to: { path: '^src/http/' },
    },
    {
      name: 'cli-is-the-top',
      severity: 'error',
      comment: 'Only src/cli/ wires areas together; nothing imports it.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    // Type-only imports are edges too: see them before TypeScript erases them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
