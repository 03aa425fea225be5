/**
 * A real browser for the panel tests: Debian's chromium, headless, driven by puppeteer-core (no browser download;
 * scripts/setup-test.sh installs the package). CHROMIUM overrides the path.
 */
import puppeteer from 'puppeteer-core';
import type { Browser } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI has no user namespace sandbox; the browser only ever opens the test's own loopback panel.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
}

/** The panel URL the daemon printed beside its DTE port. */
export async function panelUrl(stdout: () => string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = /^Panel: (http:\/\/\S+)$/m.exec(stdout());
    if (m) return m[1];
    if (Date.now() > deadline) throw new Error(`no panel URL in the daemon's output:\n${stdout()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
