import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

// Debian's Chromium (test/browser/install-chromium.sh installs it), driven headless by playwright-core.

export const CHROMIUM = '/usr/bin/chromium';

/** Without the network flags Chromium keeps calling out, and this machine's closed network refuses it. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The manual's test reads its pages with fetch() from a page of the manual: file: to file:.
  '--allow-file-access-from-files',
];

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts Chromium on a fresh, empty user-data-dir, removed again on close. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<Chromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: ARGS,
    viewport,
    // No wall-clock limit on a loaded machine: launching waits as long as Chromium takes to start.
    timeout: 0,
  });
  // Nor on navigation, selectors, locators and screenshots (Playwright's default is 30 s each).
  context.setDefaultTimeout(0);
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
