import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS, httpConfigShape } from './config.js';

const parse = (v: unknown) => httpConfigShape.http.safeParse(v);

describe('http limits config', () => {
  it('has bounded defaults for every limit', () => {
    expect(DEFAULT_HTTP_LIMITS).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      connectionTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      maxRequestsPerSocket: 1_000,
      maxHeaderSize: 16_384,
      bodyLimit: 1_048_576,
      sseMaxClients: 100,
      maxConnectionsPerAddress: 64,
      allowedHosts: [],
      healthMaxEventLoopLagMs: 1_000,
      healthMaxDispatchFailures: 3,
    });
  });

  it.each([
    [{ headers_timeout: '1m', request_timeout: '10s' }, 'headers_timeout must not exceed request_timeout'],
    [{ request_timeout: 0 }, 'must be more than 0'],
    [{ allowed_hosts: ['*.example.com'] }, 'expected a DNS name'],
    [{ allowed_hosts: ['thump.example.com:8080'] }, 'expected a DNS name'],
    [{ sse_max_clients: 0 }, ''],
    [{ max_header_size: 10 }, ''],
    [{ unknown_limit: 1 }, ''],
  ])('refuses %j', (v, message) => {
    const r = parse(v);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });

  it('accepts names and durations as written', () => {
    const r = parse({ allowed_hosts: ['thump.example.com', 'monitor'], headers_timeout: '5s' });
    expect(r.success).toBe(true);
    expect(r.data?.headers_timeout).toBe(5_000);
  });
});
