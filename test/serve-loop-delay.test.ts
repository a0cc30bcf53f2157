// The server's event-loop delay figures (/metrics): a loop blocked for 300 ms shows in the current
// window, then in the last full window once it ends, and drops out after a quiet window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoopDelay } from '../src/serve/loop-delay.js';

const block = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: the loop cannot run its timers
  }
};

test('a blocked loop shows in the figures for one window, then leaves them', async () => {
  const loop = new LoopDelay(600);
  try {
    await sleep(50);
    block(300);
    await sleep(50);
    const now = loop.figures();
    assert.ok(now.max >= 0.25, `max ${now.max} s after a 300 ms block`);
    assert.ok(now.p50 <= now.p99 && now.p99 <= now.max, JSON.stringify(now));
    // The window that held the block ends: its figures are what is read during the next one.
    await sleep(650);
    assert.ok(loop.figures().max >= 0.25, `last window: ${JSON.stringify(loop.figures())}`);
    // A quiet window after it.
    await sleep(650);
    assert.ok(loop.figures().max < 0.25, `quiet window: ${JSON.stringify(loop.figures())}`);
  } finally {
    loop.stop();
  }
});
