import { describe, expect, it } from 'vitest';
import { configSchema } from '../cli/config-schema.js';
import { parseConfigText } from '../config/loader.js';

describe('monitor.detector and monitor.phi', () => {
  it('defaults to the fixed detector with phi defaults ready', () => {
    const m = parseConfigText(configSchema, '', 't.yaml').monitor;
    expect(m.detector).toBe('fixed');
    expect(m.phi).toEqual({
      threshold: 8,
      min_std: 100,
      min_std_ratio: 0.1,
      acceptable_pause: 0,
      max_timeout_multiplier: 10,
      min_samples: 5,
      window: 32,
    });
  });

  it('reads the phi keys, durations included', () => {
    const text =
      'monitor:\n  detector: phi\n  phi:\n    threshold: 10\n    min_std: 250ms\n    max_timeout_multiplier: 6\n    acceptable_pause: 1s\n';
    const m = parseConfigText(configSchema, text, 't.yaml').monitor;
    expect(m.detector).toBe('phi');
    expect(m.phi).toMatchObject({
      threshold: 10,
      min_std: 250,
      max_timeout_multiplier: 6,
      acceptable_pause: 1000,
      window: 32,
    });
  });

  it.each([
    ['monitor:\n  detector: adaptive\n', 'monitor.detector'],
    ['monitor:\n  phi:\n    threshold: 0.5\n', 'monitor.phi.threshold'],
    ['monitor:\n  phi:\n    min_samples: 256\n', 'monitor.phi.min_samples'],
    ['monitor:\n  phi:\n    window: 1\n', 'monitor.phi.window'],
    ['monitor:\n  phi:\n    min_std: soon\n', 'monitor.phi.min_std'],
    ['monitor:\n  phi:\n    margin: 3s\n', 'monitor.phi'],
  ])('rejects %j naming %s', (text, key) => {
    expect(() => parseConfigText(configSchema, text, 't.yaml')).toThrow(key);
  });
});

describe('monitor.ha', () => {
  it('defaults to a 3 s lease renewed every second, publishing every second', () => {
    const m = parseConfigText(configSchema, '', 't.yaml').monitor;
    expect(m.ha).toEqual({
      lease_ttl: 3000,
      lease_margin: 500,
      renew_interval: 1000,
      publish_interval: 1000,
      live_window: 3000,
      max_suspect_rows: 10_000,
    });
  });

  it('reads durations and the monitor id', () => {
    const text =
      'monitor:\n  ha:\n    monitor_id: mon-b.example.org\n    lease_ttl: 5s\n    live_window: 4s\n';
    expect(parseConfigText(configSchema, text, 't.yaml').monitor.ha).toMatchObject({
      monitor_id: 'mon-b.example.org',
      lease_ttl: 5000,
      live_window: 4000,
    });
  });

  it.each([
    ['monitor:\n  ha:\n    renew_interval: 3s\n', 'renew_interval < lease_ttl - lease_margin'],
    ['monitor:\n  ha:\n    live_window: 1s\n', 'live_window > publish_interval'],
    ['monitor:\n  ha:\n    monitor_id: "a b"\n', 'monitor.ha.monitor_id'],
    ['monitor:\n  ha:\n    lease: 3s\n', 'monitor.ha'],
    ['monitor:\n  ha:\n    lease_ttl: soon\n', 'monitor.ha.lease_ttl'],
  ])('rejects %j saying %s', (text, what) => {
    expect(() => parseConfigText(configSchema, text, 't.yaml')).toThrow(what);
  });
});
