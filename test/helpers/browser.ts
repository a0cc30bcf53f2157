// Headless Chromium for the dashboard tests and benchmark: Debian's /usr/bin/chromium driven by
// playwright-core (no browser download). Without it the tests skip saying how to install it, except
// under CI=true, where a missing browser fails them. Also: console-error capture and chart checks.
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium } from '../../src/bench/chromium.js';
import { chartChecks, pageSettled } from '../../src/bench/in-page.js';

/** `skip` option for tests that need the browser. */
export function needsChromium(): { skip?: string } {
  if (hasChromium()) return {};
  if (process.env['CI'] === 'true') throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  return { skip: `${CHROMIUM} not found (apt-get install -y chromium)` };
}

export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** Collects console errors and uncaught page errors from the moment it is called. */
export function watchErrors(page: Page): { errors: string[]; clear: () => void } {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return { errors, clear: () => void errors.splice(0) };
}

export interface ChartCheck {
  name: string;
  points: number;
  /** Distinct non-background pixels sampled on the chart's canvas. */
  inked: number;
}

/** Waits until the page has stopped loading (no loading states) and returns what each chart drew. */
export async function settle(page: Page, timeoutMs = 15_000): Promise<ChartCheck[]> {
  await page.waitForFunction(pageSettled, null, { timeout: timeoutMs });
  await page.waitForTimeout(450); // ECharts' 300 ms entry animation
  return page.evaluate(chartChecks);
}
