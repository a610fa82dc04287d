import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { checkRedisUrl, redactRedisUrl } from './redis-url.js';

describe('redactRedisUrl', () => {
  it('drops the password and keeps user, host, port and db', () => {
    expect(redactRedisUrl('redis://alice:s3cret@10.0.0.5:6380/2')).toBe('redis://alice@10.0.0.5:6380/2');
    expect(redactRedisUrl('rediss://:s3cret@cache.example:6379')).toBe('rediss://cache.example:6379');
  });
  it('leaves a URL without a password as it is', () => {
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
  it('never echoes an unparseable URL (it may hold a password)', () => {
    expect(redactRedisUrl('redis://:pw@[bad')).not.toContain('pw');
  });
});

describe('checkRedisUrl', () => {
  it('accepts redis:// and rediss://', () => {
    expect(checkRedisUrl('redis://h:1')).toBe('redis://h:1');
    expect(checkRedisUrl('rediss://h')).toBe('rediss://h');
  });
  it('rejects other schemes and garbage as usage errors without echoing secrets', () => {
    expect(() => checkRedisUrl('http://h')).toThrow(UsageError);
    expect(() => checkRedisUrl('nonsense')).toThrow(UsageError);
    expect(() => checkRedisUrl('redis//:topsecret@h')).toThrow(/^--redis: not a valid URL/);
  });
});
