// Headless Chromium for the dashboard tests and benchmark: Debian's /usr/bin/chromium driven by
// playwright-core (no browser download). Without it the tests skip saying how to install it, except
// under CI=true, where a missing browser fails them. Also: console-error capture and chart checks.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['EARSHOT_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** `skip` option for tests that need the browser. */
export function needsChromium(): { skip?: string } {
  if (existsSync(CHROMIUM)) return {};
  if (process.env['CI'] === 'true') throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  return { skip: `${CHROMIUM} not found (apt-get install -y chromium)` };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
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
  await page.waitForFunction(() => !document.querySelector('.state.loading') && !document.querySelector('.boot'), null, { timeout: timeoutMs });
  await page.waitForTimeout(450); // ECharts' 300 ms entry animation
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-chart]')].map((el) => {
      const canvas = el.querySelector('canvas');
      let inked = 0;
      if (canvas) {
        const ctx = canvas.getContext('2d');
        const w = canvas.width;
        const h = canvas.height;
        const data = ctx ? ctx.getImageData(0, 0, w, h).data : new Uint8ClampedArray();
        const colours = new Set<number>();
        for (let i = 0; i < data.length; i += 4 * 7) {
          const a = data[i + 3]!;
          if (a < 16) continue;
          const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
          if (rgb === 0xffffff) continue;
          inked++;
          colours.add(rgb);
        }
        inked = colours.size > 2 ? inked : 0;
      }
      return { name: el.dataset['chart'] ?? '?', points: Number(el.dataset['points'] ?? 0), inked };
    }),
  );
}
