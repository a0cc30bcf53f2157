// The listening simulation behind generateWorld: sessions, pacing within the range, rhythms, outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCatalogue } from '../src/generate/catalogue.js';
import { ListenEngine } from '../src/generate/engine.js';
import { COMPLETE, Listen, SKIP } from '../src/generate/listen.js';
import { EndOrdered } from '../src/generate/order.js';
import { maxPlaysPerUser } from '../src/generate/shares.js';
import { buildUsers } from '../src/generate/users.js';
import { RHYTHMS } from '../src/generate/vocab.js';

const START = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;

function run(users: number, listens: number, days: number, seed = 3, episodes = 0) {
  const cat = buildCatalogue(seed, 500, 2025);
  const us = buildUsers(seed, users, cat);
  const engine = new ListenEngine({ seed, users: us, cat, listens, episodes, startMs: START, endMs: START + days * DAY });
  const plays: Listen[] = [];
  for (let l = new Listen(); engine.next(l); l = new Listen()) plays.push(l);
  return { cat, us, plays };
}

test('plays come in start order, inside the range, with consistent outcomes', () => {
  const { cat, plays } = run(40, 6000, 14);
  assert.equal(plays.length, 6000);
  for (let i = 0; i < plays.length; i++) {
    const p = plays[i] as Listen;
    if (i > 0) assert.ok(p.startMs >= (plays[i - 1] as Listen).startMs);
    assert.ok(p.startMs >= START && p.startMs < START + 14 * DAY);
    const dur = cat.durationMs[p.track] as number;
    if (p.outcome === COMPLETE) assert.equal(p.playedMs, dur);
    else assert.ok(p.playedMs > 0 && p.playedMs < dur);
    if (p.outcome === SKIP) assert.ok(p.playedMs <= 0.5 * dur);
  }
});

test('a session is consecutive plays with small gaps; a new one starts after more than 30 minutes', () => {
  const { plays } = run(40, 6000, 14);
  const last = new Map<number, Listen>();
  let sessions = 0;
  for (const p of plays) {
    const prev = last.get(p.user);
    if (prev) {
      const silence = p.startMs - (prev.startMs + prev.playedMs);
      assert.ok(silence >= 0, 'plays of one user never overlap in a world that fits the range');
      if (p.session === prev.session) assert.ok(silence < 30 * 60_000, `gap ${silence} inside a session`);
      else {
        assert.equal(p.session, prev.session + 1);
        assert.ok(silence > 30 * 60_000, `gap ${silence} between sessions`);
        sessions++;
      }
    }
    last.set(p.user, p);
  }
  const perSession = plays.length / (sessions + last.size);
  assert.ok(perSession > 4 && perSession < 25, `plays per session ${perSession}`);
});

test('rhythms show: early birds play in the local morning, night owls at night', () => {
  const { us, plays } = run(300, 30000, 14, 9);
  const early = RHYTHMS.findIndex((r) => r.name === 'early-bird');
  const owl = RHYTHMS.findIndex((r) => r.name === 'night-owl');
  const share = (rhythm: number, from: number, to: number): number => {
    let n = 0;
    let hit = 0;
    for (const p of plays) {
      if (us.rhythm[p.user] !== rhythm) continue;
      const h = new Date(p.startMs + (us.tzMs[p.user] as number)).getUTCHours();
      n++;
      if (h >= from && h < to) hit++;
    }
    return hit / n;
  };
  assert.ok(share(early, 5, 10) > 2 * share(owl, 5, 10));
  assert.ok(share(owl, 21, 24) + share(owl, 0, 3) > 2 * (share(early, 21, 24) + share(early, 0, 3)));
});

test('a load that cannot fit is refused naming --users or --days; end-ordering sorts by when plays stop', () => {
  assert.throws(() => run(1, 20000, 2, 4), (e: unknown) => e instanceof RangeError && /--users/.test(e.message) && /--days/.test(e.message));
  const cat = buildCatalogue(4, 500, 2025);
  const make = (usersFixed: boolean) => new ListenEngine({ seed: 4, users: buildUsers(4, 1, cat), cat, listens: 20000, episodes: 100, startMs: START, endMs: START + 2 * DAY, usersFixed });
  assert.throws(() => make(true), (e: unknown) => e instanceof RangeError && /--days/.test(e.message) && !/raise --users/.test(e.message));

  // One listener at their cap, with podcast episodes: every play inside the range, none overlapping.
  const cap = maxPlaysPerUser(2 * DAY, cat.meanPlayDurationMs);
  const { plays } = run(1, cap - 10, 2, 4, 10);
  assert.equal(plays.length, cap);
  assert.equal(plays.filter((p) => p.track < 0).length, 10);
  for (let i = 0; i < plays.length; i++) {
    const p = plays[i] as Listen;
    assert.ok(p.startMs >= START && p.startMs < START + 2 * DAY);
    if (i > 0) assert.ok(p.startMs >= (plays[i - 1] as Listen).startMs + (plays[i - 1] as Listen).playedMs);
  }
  const engine = new ListenEngine({ seed: 4, users: buildUsers(4, 1, cat), cat, listens: cap - 10, episodes: 10, startMs: START, endMs: START + 2 * DAY });
  const ordered = new EndOrdered(engine);
  let prevEnd = -Infinity;
  let n = 0;
  for (const l = new Listen(); ordered.next(l); n++) {
    assert.ok(l.startMs + l.playedMs >= prevEnd);
    prevEnd = l.startMs + l.playedMs;
  }
  assert.equal(n, cap);
});

test('user N has the same profile in any world size', () => {
  const cat = buildCatalogue(8, 300, 2025);
  const small = buildUsers(8, 1, cat);
  const big = buildUsers(8, 50, cat);
  assert.deepEqual([small.country[0], small.city[0], small.rhythm[0], small.likedGenres[0], small.favourites.slice(0, 12)],
    [big.country[0], big.city[0], big.rhythm[0], big.likedGenres[0], big.favourites.slice(0, 12)]);
});
