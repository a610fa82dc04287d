/** The HTTP API, live stream, /metrics and dashboard. */
export { baseUrl, buildHttpApp, STATIC_DIR } from './app.js';
export { loadOrCreateToken } from './auth.js';
export { type HttpConfig, type HttpLimits, httpConfigShape, httpLimits } from './config.js';
export { parseListen } from './listen.js';
export { startHttpServer } from './server.js';
export type { HttpDeps, HttpServer } from './types.js';
