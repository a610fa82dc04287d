import { describe, expect, it } from 'vitest';
import { ConfigIssuesError } from '../config/issue.js';
import { parseConfigText } from '../config/loader.js';
import { crossKeyProblems } from './config-cross-checks.js';
import { configSchema } from './config-schema.js';

describe('cross-key checks', () => {
  it('accepts routes that name configured notifiers', () => {
    expect(crossKeyProblems({ notifiers: [{ name: 'ops' }], routes: [{ notifiers: ['ops'] }] })).toEqual([]);
  });

  it('names the route item that refers to a missing notifier', () => {
    expect(
      crossKeyProblems({
        notifiers: [{ name: 'ops' }],
        routes: [{ notifiers: ['ops'] }, { notifiers: ['ops', 'pager'] }],
      }),
    ).toEqual([{ path: ['routes', 1, 'notifiers', 1], message: 'no notifier named "pager" (known: ops)' }]);
  });

  it('stops the load with the line of the bad reference', () => {
    const text =
      'notifiers:\n  - {name: ops, type: webhook, url: "http://127.0.0.1:9/"}\nroutes:\n  - notifiers: [ops, pagr]\n';
    let err: unknown;
    try {
      parseConfigText(configSchema, text, 't.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigIssuesError);
    expect((err as Error).message).toBe(
      'invalid configuration: t.yaml:4:22: routes[0].notifiers[1]: no notifier named "pagr" (known: ops)',
    );
  });
});
