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
