import { ResourceError } from '../errors.js';
import { baseUrl, buildHttpApp } from './app.js';
import type { HttpDeps, HttpServer } from './types.js';

/**
 * Starts the API, live stream, /metrics and dashboard on `deps.listen` (loopback unless
 * configured otherwise). Port 0 picks a free port; the returned `url` has the real one.
 * A port in use or an unavailable address becomes a {@link ResourceError} (exit 1).
 */
export async function startHttpServer(deps: HttpDeps): Promise<HttpServer> {
  const app = buildHttpApp(deps);
  try {
    await app.listen({ host: deps.listen.host, port: deps.listen.port });
  } catch (err) {
    await app.close().catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    const where = baseUrl(deps.listen.host, deps.listen.port).slice('http://'.length);
    const why =
      code === 'EADDRINUSE'
        ? 'the port is already in use'
        : code === 'EADDRNOTAVAIL'
          ? 'the address is not on this machine'
          : code === 'EACCES'
            ? 'permission denied (ports below 1024 need privileges)'
            : (err as Error).message;
    throw new ResourceError(`cannot listen for HTTP on ${where}: ${why}`, { cause: err });
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : deps.listen.port;
  return {
    url: baseUrl(deps.listen.host, port),
    close: async () => {
      await app.close();
    },
  };
}
