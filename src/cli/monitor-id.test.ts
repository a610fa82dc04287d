import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';
import { defaultMonitorId } from './monitor-app.js';

const cfg = (udp: string[], listen: string) => configSchema.parse({ monitor: { udp }, http: { listen } });

describe('defaultMonitorId', () => {
  it('is the host name plus a suffix that is stable for the same listen addresses', () => {
    const a = defaultMonitorId(cfg(['9999'], '127.0.0.1:8080'), 'web-01');
    expect(a).toMatch(/^web-01-[0-9a-f]{6}$/);
    expect(defaultMonitorId(cfg(['9999'], '127.0.0.1:8080'), 'web-01')).toBe(a);
  });

  it('differs for two monitors on one machine with different ports', () => {
    const a = defaultMonitorId(cfg(['9999'], '127.0.0.1:8080'), 'web-01');
    const b = defaultMonitorId(cfg(['9998'], '127.0.0.1:8081'), 'web-01');
    expect(a).not.toBe(b);
  });

  it('turns a host name into a valid monitor_id', () => {
    const id = defaultMonitorId(cfg(['9999'], 'off'), '_weird host/name');
    expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/);
  });
});
