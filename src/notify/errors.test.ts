import { describe, expect, it } from 'vitest';
import { ThumpError } from '../errors.js';
import { isNotifyError, NotifyError, toNotifyError } from './errors.js';

describe('NotifyError', () => {
  it('is a ThumpError named NotifyError with its classification', () => {
    const e = new NotifyError('HTTP 503', {
      reason: 'http-5xx',
      retryable: true,
      retryAfterMs: 5000,
      status: 503,
    });
    expect(e).toBeInstanceOf(ThumpError);
    expect(e).toMatchObject({
      name: 'NotifyError',
      reason: 'http-5xx',
      retryable: true,
      retryAfterMs: 5000,
      status: 503,
    });
  });

  it('is recognised by name after crossing a serialisation boundary', () => {
    const e = new NotifyError('HTTP 404', { reason: 'http-4xx', retryable: false });
    const copy = { ...JSON.parse(JSON.stringify(e)), name: e.name, message: e.message };
    expect(isNotifyError(copy)).toBe(true);
    expect(isNotifyError(new Error('x'))).toBe(false);
    expect(isNotifyError({ name: 'NotifyError' })).toBe(false);
  });

  it('wraps anything else as a retryable unknown failure', () => {
    expect(toNotifyError(new TypeError('boom'))).toMatchObject({
      reason: 'unknown',
      retryable: true,
      message: 'boom',
    });
    const e = new NotifyError('x', { reason: 'config', retryable: false });
    expect(toNotifyError(e)).toBe(e);
  });
});
