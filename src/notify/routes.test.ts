import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { Dependencies } from './dependencies.js';
import { checkRoutes, Router } from './routes.js';

describe('Router', () => {
  it('sends every event to every notifier when there are no routes', () => {
    const r = new Router([], ['a', 'b'], 0);
    expect(r.targets({ type: 'down', hostId: 'x' }, {})).toEqual([
      { notifier: 'a', alertAfter: 0 },
      { notifier: 'b', alertAfter: 0 },
    ]);
  });

  it('matches event types, host globs and label globs, and unions notifiers', () => {
    const r = new Router(
      [
        { notifiers: ['pager'], events: ['down', 'up'], hosts: ['db-*'] },
        { notifiers: ['chat'], labels: { role: 'web*' } },
        { notifiers: ['chat', 'pager'], events: ['check'], alert_after: 2 },
      ],
      ['pager', 'chat'],
      5,
    );
    const names = (type: 'down' | 'check' | 'new', host: string, labels = {}) =>
      r.targets({ type, hostId: host }, labels).map((t) => t.notifier);
    expect(names('down', 'db-1')).toEqual(['pager']);
    expect(names('down', 'web-1')).toEqual([]);
    expect(names('new', 'web-1', { role: 'webserver' })).toEqual(['chat']);
    expect(names('check', 'x')).toEqual(['chat', 'pager']);
    expect(r.targets({ type: 'check', hostId: 'x' }, {})[0]?.alertAfter).toBe(2);
    expect(r.targets({ type: 'down', hostId: 'db-2' }, {})[0]?.alertAfter).toBe(5);
  });
});

describe('checkRoutes', () => {
  it('names routes that refer to unknown notifiers', () => {
    expect(checkRoutes(['ops'], [{ notifiers: ['ops', 'opz'] }])).toEqual([
      'routes[0].notifiers[1]: no notifier named "opz" (known: ops)',
    ]);
  });
});

describe('Dependencies', () => {
  it('takes the parent from the host label first, then from config globs', () => {
    const d = new Dependencies([{ hosts: ['rack1-*'], parent: 'switch-1' }]);
    expect(d.parentOf('rack1-a', {})).toBe('switch-1');
    expect(d.parentOf('rack1-a', { parent: 'hv-2' })).toBe('hv-2');
    expect(d.parentOf('other', {})).toBeUndefined();
    expect(d.parentOf('switch-1', { parent: 'switch-1' })).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  const opts = { initialMs: 1000, maxMs: 60_000 };
  it('doubles per attempt within [half, full] of the cap', () => {
    expect(backoffDelay(1, opts, () => 0)).toBe(500);
    expect(backoffDelay(1, opts, () => 1)).toBe(1000);
    expect(backoffDelay(4, opts, () => 1)).toBe(8000);
    expect(backoffDelay(30, opts, () => 1)).toBe(60_000);
    expect(backoffDelay(30, opts, () => 0)).toBe(30_000);
  });
  it('waits at least what the server asked for', () => {
    expect(backoffDelay(1, { ...opts, retryAfterMs: 7000 }, () => 0)).toBe(7000);
  });
});
