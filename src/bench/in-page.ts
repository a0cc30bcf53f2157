// Functions that run inside the dashboard page (Playwright serialises them; strings would need
// 'unsafe-eval', which the dashboard's Content-Security-Policy rightly refuses). The Node build has no
// DOM types, so the few browser globals they touch are declared here, for this module only. Each
// function is self-contained: it cannot use anything else of this module.
interface Ctx2d {
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface El {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  querySelector(s: string): { width: number; height: number; getContext(k: '2d'): Ctx2d | null } | null;
}
declare const document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El>; documentElement: { scrollWidth: number }; activeElement: El | null };
declare const window: { innerWidth: number };
declare const localStorage: { setItem(k: string, v: string): void };
declare function requestAnimationFrame(cb: () => void): number;
declare const history: { pushState(state: null, unused: string, url: string): void };
declare function dispatchEvent(e: object): boolean;
declare const PopStateEvent: new (type: 'popstate') => object;

/** Init script: stores the token where the dashboard reads it. */
export function storeToken(token: string): void {
  localStorage.setItem('earshot.token', token);
}

/** True once the named chart has data. */
export function chartHasData(name: string): boolean {
  return Number(document.querySelector(`[data-chart="${name}"]`)?.dataset['points'] ?? 0) > 0;
}

/** Moves to another page of the dashboard as its links do (web/src/router.ts): no reload. */
export function inAppNavigate(to: string): void {
  history.pushState(null, '', to);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** True when nothing on the page is loading. */
export function pageSettled(): boolean {
  return !document.querySelector('.state.loading') && !document.querySelector('.boot');
}

/** performance.now() at the next frame: when what is on screen has been painted. */
export function nextFrameTime(): Promise<number> {
  return new Promise((r) => requestAnimationFrame(() => r(performance.now())));
}

export function sidewaysOverflow(): number {
  return document.documentElement.scrollWidth - window.innerWidth;
}

export function focusedText(): string | null {
  return document.activeElement?.textContent ?? null;
}

/**
 * For every chart box: its name, its data-points (set by the Chart component from the option's series)
 * and how many sampled canvas pixels are inked (neither clear nor white; 0 unless more than two colours).
 */
export function chartChecks(): { name: string; points: number; inked: number }[] {
  const out: { name: string; points: number; inked: number }[] = [];
  const boxes = document.querySelectorAll('[data-chart]');
  for (let b = 0; b < boxes.length; b++) {
    const el = boxes[b]!;
    const canvas = el.querySelector('canvas');
    let inked = 0;
    const ctx = canvas?.getContext('2d');
    if (canvas && ctx) {
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 7) {
        if (data[i + 3]! < 16) continue;
        const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
        if (rgb === 0xffffff) continue;
        inked++;
        colours.add(rgb);
      }
      if (colours.size <= 2) inked = 0;
    }
    out.push({ name: el.dataset['chart'] ?? '?', points: Number(el.dataset['points'] ?? 0), inked });
  }
  return out;
}
