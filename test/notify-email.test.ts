import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotifyError, type NotifyError } from '../src/notify/errors.js';
import { createNotifier, notifierConfigSchema } from '../src/notify/notifiers/index.js';
import type { Notifier } from '../src/notify/types.js';
import { captureLogger, sampleBatch } from './support/notify-fixtures.js';
import { type SmtpCapture, startSilentTcp, startSmtpCapture } from './support/notify-smtp.js';
import { freeTcpPort, waitFor } from './support/proc.js';

const PASSWORD = 'smtp-pw-s3cret!';

describe('email notifier against a real SMTP listener', () => {
  let smtp: SmtpCapture;
  let authed: SmtpCapture;
  const logger = captureLogger();
  beforeAll(async () => {
    smtp = await startSmtpCapture();
    authed = await startSmtpCapture({ user: 'thump', password: PASSWORD });
  });
  afterAll(async () => {
    await smtp?.close();
    await authed?.close();
  });

  const make = (raw: Record<string, unknown>): Notifier =>
    createNotifier(
      notifierConfigSchema.parse({
        name: 'mail',
        type: 'email',
        host: '127.0.0.1',
        port: smtp.port,
        from: 'thump@example.test',
        to: 'ops@example.test',
        ...raw,
      }),
      { logger },
    );
  const signal = () => new AbortController().signal;
  const failure = async (n: Notifier): Promise<NotifyError> => {
    const err = await n.send(sampleBatch(), signal()).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isNotifyError(err)) throw new Error(`expected a NotifyError, got ${String(err)}`);
    expect(err.message).not.toContain(PASSWORD);
    return err;
  };

  it('delivers one mail with the title as subject, the text and one line per event', async () => {
    const before = smtp.mails.length;
    await make({ to: ['ops@example.test', 'oncall@example.test'] }).send(sampleBatch(), signal());
    await waitFor(() => smtp.mails.length === before + 1, 'the mail to arrive');
    const mail = smtp.mails.at(-1)!;
    expect(mail.from).toBe('thump@example.test');
    expect(mail.to).toEqual(['ops@example.test', 'oncall@example.test']);
    expect(mail.raw).toMatch(/^Subject: \[thump\] 2 hosts down: web-1, web-2\r?$/m);
    expect(mail.raw).toMatch(/^Message-ID: <batch-0001@thump>\r?$/im);
    expect(mail.raw).toMatch(/^X-Thump-Batch-Id: batch-0001\r?$/im);
    expect(mail.raw).toContain('web-1 down since 2026-11-23T18:00:00Z');
    expect(mail.raw).toContain('down web-2 at 2026-11-23T18:00:00.000Z');
  });

  it('logs in with username and password', async () => {
    const before = authed.mails.length;
    await make({ port: authed.port, username: 'thump', password: PASSWORD, subject_prefix: '' }).send(
      sampleBatch({ kind: 'resolved', title: '2 hosts up' }),
      signal(),
    );
    await waitFor(() => authed.mails.length === before + 1, 'the mail to arrive');
    expect(authed.mails.at(-1)!.user).toBe('thump');
    expect(authed.mails.at(-1)!.raw).toMatch(/^Subject: 2 hosts up\r?$/m);
  });

  it('treats a rejected login as permanent, without the password in the message', async () => {
    const err = await failure(make({ port: authed.port, username: 'thump', password: 'wrong-password' }));
    expect(err).toMatchObject({ reason: 'smtp', retryable: false, status: 535 });
  });

  it('treats a 4xx recipient refusal as retryable', async () => {
    const err = await failure(make({ to: 'temp@example.test' }));
    expect(err).toMatchObject({ reason: 'smtp', retryable: true, status: 450 });
  });

  it('treats a 5xx recipient refusal as permanent', async () => {
    const err = await failure(make({ to: 'perm@example.test' }));
    expect(err).toMatchObject({ reason: 'smtp', retryable: false, status: 550 });
  });

  it('reports a refused connection as a retryable network error', async () => {
    const err = await failure(make({ port: await freeTcpPort() }));
    expect(err).toMatchObject({ reason: 'network', retryable: true });
  });

  it('gives up with a retryable timeout when the server never greets', async () => {
    const silent = await startSilentTcp();
    try {
      const err = await failure(make({ port: silent.port, timeout: '500ms' }));
      expect(err).toMatchObject({ reason: 'timeout', retryable: true });
    } finally {
      await silent.close();
    }
  });

  it('refuses to send in clear when STARTTLS is required and the server cannot do it', async () => {
    const err = await failure(make({ starttls: 'required' }));
    // The server answered 500 to STARTTLS: a configuration mismatch, not worth retrying.
    expect(err).toMatchObject({ reason: 'smtp', retryable: false, status: 500 });
    expect(err.message).toContain('STARTTLS');
  });

  it('never logs the password', () => {
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) expect(line).not.toContain(PASSWORD);
  });

  it('rejects a username without a password in the config', () => {
    const r = notifierConfigSchema.safeParse({
      name: 'mail',
      type: 'email',
      host: 'h',
      from: 'a@b.c',
      to: 'd@e.f',
      username: 'u',
    });
    expect(r.success).toBe(false);
  });
});
