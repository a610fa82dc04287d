import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { ROOT, tempDir } from './proc.js';

/** Debian's Chromium; the CI installs the `chromium` package. */
export const CHROMIUM = process.env.THUMP_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go (gitignored; CI keeps it as an artifact). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export interface Chromium {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium through playwright-core with a fresh profile. Throws (so the
 * test fails with the reason) when the binary is missing: never a silent skip.
 */
export async function launchChromium(viewport = { width: 1400, height: 900 }): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install the Debian package "chromium" (or set THUMP_CHROMIUM)`,
    );
  }
  const profile = tempDir('thump-chromium-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    timeout: 60_000,
  });
  const browser = context.browser() as Browser;
  return {
    browser,
    context,
    close: async () => {
      await context.close().catch(() => {});
      profile.cleanup();
    },
  };
}

/** A path in test-artifacts/ (created on demand). */
export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
