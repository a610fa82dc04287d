import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../protocol/types.js';
import { checkChanges } from './checks.js';

const c = (id: string, severity: CheckResult['severity'], text = ''): CheckResult => ({ id, severity, text });

describe('checkChanges', () => {
  it.each([
    { name: 'nothing before, all ok', prev: undefined, cur: [c('a', 0)], want: [] },
    {
      name: 'a new failing check raises',
      prev: undefined,
      cur: [c('a', 2, 'bad')],
      want: [['a', 'ok', 'critical']],
    },
    { name: 'same severity is quiet', prev: [c('a', 1)], cur: [c('a', 1, 'new text')], want: [] },
    { name: 'recovery clears', prev: [c('a', 2)], cur: [c('a', 0)], want: [['a', 'critical', 'ok']] },
    {
      name: 'a failing check that vanishes clears',
      prev: [c('a', 1)],
      cur: [],
      want: [['a', 'warning', 'ok']],
    },
    { name: 'an ok check that vanishes is quiet', prev: [c('a', 0)], cur: [], want: [] },
    {
      name: 'several at once',
      prev: [c('a', 0), c('b', 3)],
      cur: [c('a', 1), c('b', 3), c('c', 2)],
      want: [
        ['a', 'ok', 'warning'],
        ['c', 'ok', 'critical'],
      ],
    },
  ])('$name', ({ prev, cur, want }) => {
    expect(checkChanges(prev, cur).map((x) => [x.checkId, x.previous, x.severity])).toEqual(want);
  });
});
