import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link CaptureServer} received. */
export interface CapturedRequest {
  method: string;
  /** Path and query, e.g. `/hook?x=1`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * What to answer: a status (with optional headers/body), `hang` (never answer), or
 * `stall-body` (send 200 and the first bytes of a body, then nothing).
 */
export type CaptureReply =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'hang'
  | 'stall-body';

/** A loopback HTTP listener that records requests and answers as the test says. */
export interface CaptureServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  requests: CapturedRequest[];
  /** Sets how the next requests are answered (default: 200 `ok`). */
  respond(reply: CaptureReply | ((req: CapturedRequest) => CaptureReply)): void;
  close(): Promise<void>;
}

/** Starts a {@link CaptureServer} on 127.0.0.1 and a free port. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  let responder: (req: CapturedRequest) => CaptureReply = () => ({ status: 200, body: 'ok' });
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured: CapturedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      const reply = responder(captured);
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      if (reply === 'stall-body') {
        hanging.add(res);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"ok":');
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    respond(reply) {
      responder = typeof reply === 'function' ? reply : () => reply;
    },
    close: () =>
      new Promise<void>((res) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => res());
      }),
  };
}
