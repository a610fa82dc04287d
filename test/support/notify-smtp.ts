import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One mail an {@link SmtpCapture} accepted. */
export interface CapturedMail {
  from: string;
  to: string[];
  /** The raw RFC 5322 message (headers and body). */
  raw: string;
  user?: string;
}

/**
 * A real SMTP listener (the `smtp-server` package) on 127.0.0.1 and a free port. Accepts
 * login `user`/`password` when given; recipients starting with `temp` get `450`, with
 * `perm` get `550`, so tests can see both classes of SMTP refusal.
 */
export interface SmtpCapture {
  port: number;
  mails: CapturedMail[];
  close(): Promise<void>;
}

export async function startSmtpCapture(auth?: { user: string; password: string }): Promise<SmtpCapture> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !auth,
    logger: false,
    onAuth(a, _session, cb) {
      if (auth && a.username === auth.user && a.password === auth.password)
        return cb(null, { user: a.username });
      const err = Object.assign(new Error(`Invalid username or password for ${a.username}`), {
        responseCode: 535,
      });
      return cb(err);
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('temp')) {
        return cb(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 450 }));
      }
      if (address.address.startsWith('perm')) {
        return cb(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      }
      return cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        });
        cb();
      });
    },
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((res) => server.close(() => res())) };
}

/** A TCP listener that accepts connections and never says anything (an SMTP server that hangs). */
export async function startSilentTcp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}
