import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchOutage } from './connect.js';

const fakeClient = () => new EventEmitter() as unknown as Redis;

describe('watchOutage', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up once a connection has been down for the limit, with its last error', () => {
    const c = fakeClient();
    const onOutage = vi.fn();
    watchOutage([c], 30_000, onOutage);
    c.emit('error', new Error('connect ECONNREFUSED'));
    c.emit('close');
    vi.advanceTimersByTime(29_999);
    expect(onOutage).not.toHaveBeenCalled();
    c.emit('close'); // every failed reconnect closes again: the clock keeps running
    vi.advanceTimersByTime(1);
    expect(onOutage).toHaveBeenCalledTimes(1);
    expect(onOutage.mock.calls[0]?.[0]).toMatchObject({ message: 'connect ECONNREFUSED' });
    c.emit('close');
    vi.advanceTimersByTime(60_000);
    expect(onOutage).toHaveBeenCalledTimes(1);
  });

  it('forgives a blip that reconnects within the limit', () => {
    const c = fakeClient();
    const onOutage = vi.fn();
    watchOutage([c], 1000, onOutage);
    c.emit('close');
    vi.advanceTimersByTime(900);
    c.emit('ready');
    vi.advanceTimersByTime(5000);
    expect(onOutage).not.toHaveBeenCalled();
  });

  it('stops watching when told to', () => {
    const c = fakeClient();
    const onOutage = vi.fn();
    const stop = watchOutage([c], 1000, onOutage);
    c.emit('close');
    stop();
    vi.advanceTimersByTime(5000);
    expect(onOutage).not.toHaveBeenCalled();
    expect((c as unknown as EventEmitter).listenerCount('close')).toBe(0);
  });
});
