import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { z } from 'zod';
import { NotifyError } from '../errors.js';
import { redactor } from '../http-client.js';
import type { NotificationBatch } from '../types.js';
import { defineNotifier, notifierSchema, secretShape, usernamePasswordRule } from './define.js';
import { bodyText, eventLine, truncate } from './format.js';
import { resolveSecret } from './secrets.js';

/** The message for one batch: subject from the title, plain-text body plus one line per event. */
export function emailMessage(
  batch: NotificationBatch,
  opts: { from: string; to: string[]; subject_prefix: string },
): {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
} {
  const lines = batch.events.map(eventLine);
  const text = [
    bodyText(batch),
    ...(lines.length > 0 && lines.join('\n') !== batch.text ? ['', 'Events:', ...lines] : []),
    '',
    '-- ',
    'thump',
  ].join('\n');
  return {
    from: opts.from,
    to: opts.to,
    subject: truncate(`${opts.subject_prefix}${batch.title}`.replace(/[\r\n]+/g, ' '), 200),
    text,
    // One Message-ID per batch: a retry after a lost "250 OK" is recognisably the same mail.
    messageId: `<${batch.id.replace(/[^A-Za-z0-9._-]/g, '_')}@thump>`,
    headers: { 'X-Thump-Batch-Id': batch.id, 'X-Thump-Kind': batch.kind },
  };
}

const recipients = z
  .union([z.string().min(3), z.array(z.string().min(3)).min(1)])
  .transform((v) => (typeof v === 'string' ? [v] : v));

const configSchema = notifierSchema(
  'email',
  {
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** Implicit TLS from the first byte (usually port 465). */
    secure: z.boolean().default(false),
    /** STARTTLS on a plain connection: use when offered, insist on it, or never. */
    starttls: z.enum(['opportunistic', 'required', 'never']).default('opportunistic'),
    /** Accept any server certificate (self-signed test relays only). */
    tls_skip_verify: z.boolean().default(false),
    username: z.string().min(1).optional(),
    ...secretShape('password'),
    from: z.string().min(3),
    to: recipients,
    subject_prefix: z.string().default('[thump] '),
    /** Name sent in EHLO; default: this machine's hostname. */
    hello_name: z.string().min(1).optional(),
  },
  [{ key: 'password', required: false }],
).superRefine(usernamePasswordRule);

/** nodemailer's error shape (https://nodemailer.com/smtp/#error-codes). */
interface SmtpFailure {
  code?: string;
  responseCode?: number;
  message?: string;
}

/**
 * Classifies an SMTP failure: 4xx replies are temporary (retry), 5xx replies and rejected
 * logins are permanent, connection problems and timeouts are retryable.
 */
export function classifySmtpError(err: unknown, where: string, scrub: (t: string) => string): NotifyError {
  const e = (err ?? {}) as SmtpFailure;
  const text = scrub(
    String(e.message ?? err)
      .replace(/\s+/g, ' ')
      .slice(0, 300),
  );
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (rc !== undefined && rc >= 400 && rc < 600) {
    return new NotifyError(`SMTP ${where}: ${text}`, { reason: 'smtp', retryable: rc < 500, status: rc });
  }
  switch (e.code) {
    case 'ETIMEDOUT':
      return new NotifyError(`SMTP ${where}: timed out (${text})`, { reason: 'timeout', retryable: true });
    case 'EAUTH':
      return new NotifyError(`SMTP ${where}: login failed (${text})`, { reason: 'smtp', retryable: false });
    case 'EENVELOPE':
    case 'EMESSAGE':
      return new NotifyError(`SMTP ${where}: ${text}`, { reason: 'smtp', retryable: false });
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'EDNS':
    case 'ETLS':
    case 'EPROTOCOL':
      return new NotifyError(`SMTP ${where}: network error (${text})`, {
        reason: 'network',
        retryable: true,
      });
    default:
      return new NotifyError(`SMTP ${where}: ${text}`, { reason: 'unknown', retryable: true });
  }
}

/** `email`: a plain-text mail through an SMTP relay (nodemailer). */
export const email = defineNotifier({
  type: 'email',
  configSchema,
  create(config, ctx) {
    const password = resolveSecret(config, 'password', ctx);
    const where = `${config.host}:${config.port}`;
    const scrub = redactor(password ? [password] : []);
    const options: SMTPTransport.Options = {
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.starttls === 'required',
      ignoreTLS: config.starttls === 'never',
      tls: { rejectUnauthorized: !config.tls_skip_verify },
      connectionTimeout: config.timeout,
      greetingTimeout: config.timeout,
      socketTimeout: config.timeout,
      dnsTimeout: config.timeout,
      ...(config.hello_name ? { name: config.hello_name } : {}),
      ...(config.username && password ? { auth: { user: config.username, pass: password } } : {}),
    };
    const transport = nodemailer.createTransport(options);
    const opts = { from: config.from, to: config.to, subject_prefix: config.subject_prefix };
    return {
      name: config.name,
      type: 'email',
      async send(batch, signal) {
        if (signal.aborted)
          throw new NotifyError(`SMTP ${where}: aborted`, { reason: 'aborted', retryable: true });
        const started = Date.now();
        // nodemailer has no AbortSignal: race it against our own deadline and the caller's
        // signal. Its socket timeouts (set to the same budget) close the abandoned connection.
        let onAbort = (): void => {};
        let timer: NodeJS.Timeout | undefined;
        const stop = new Promise<never>((_, reject) => {
          onAbort = () =>
            reject(new NotifyError(`SMTP ${where}: aborted`, { reason: 'aborted', retryable: true }));
          signal.addEventListener('abort', onAbort, { once: true });
          timer = setTimeout(
            () =>
              reject(
                new NotifyError(`SMTP ${where}: timed out after ${config.timeout} ms`, {
                  reason: 'timeout',
                  retryable: true,
                }),
              ),
            config.timeout,
          );
        });
        try {
          await Promise.race([transport.sendMail(emailMessage(batch, opts)), stop]);
          ctx.logger?.debug({ smtp: where, ms: Date.now() - started }, 'notify email sent');
        } catch (err) {
          const e = err instanceof NotifyError ? err : classifySmtpError(err, where, scrub);
          ctx.logger?.debug(
            { smtp: where, ms: Date.now() - started, reason: e.reason },
            'notify email failed',
          );
          throw e;
        } finally {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        }
      },
    };
  },
});
