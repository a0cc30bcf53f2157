// The server's in-memory live views (src/serve/live.ts): a flush holding far more windows than are kept
// (as the first flush after the server replays the lake does) leaves exactly the newest 60, with their
// own rows, and deletes and later flushes act on what is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveViews } from '../src/serve/live.js';
import { ChangeSet, VIEW_TABLES } from '../src/views/tables.js';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A change set of `windows` one-minute trending windows from `first` (track w plays w + 1), and two action rows each. */
function windows(first: number, count: number): ChangeSet {
  const cs = new ChangeSet();
  const tr = cs.out(VIEW_TABLES.trending_tracks);
  const ac = cs.out(VIEW_TABLES.action_counts);
  for (let w = first; w < first + count; w++) {
    for (const [rank, track, plays] of [[1, w, w + 1], [2, 100_000 + w, 1]]) {
      const r = tr.add();
      [w * MIN, (w + 5) * MIN, rank!, track!, plays!].forEach((v, c) => tr.set(r, c, v));
    }
    for (const [action, events] of [[0, w], [2, 7]]) {
      const r = ac.add();
      [w * MIN, (w + 1) * MIN, action!, events!].forEach((v, c) => ac.set(r, c, v));
    }
  }
  return cs;
}

test('a flush of 5,000 windows keeps the newest 60 with their rows; deleting those shows the ones before', () => {
  const live = new LiveViews();
  live.apply(windows(0, 5000), { events_in: 10 });
  const s = live.state();
  assert.equal(s.trending?.window_start, iso(4999 * MIN));
  assert.deepEqual(s.trending?.tracks.map((t) => [t.rank, t.track_key, t.plays]), [[1, '4999', 5000], [2, '104999', 1]]);
  assert.equal(s.action_counts.length, 60); // the last 30 windows, two actions each
  assert.equal(s.action_counts[0]!.window_start, iso(4970 * MIN));
  assert.deepEqual(s.action_counts.slice(-2).map((a) => [a.action, a.events]), [['play', 4999], ['skip', 7]]);
  assert.equal(s.counters['events_in'], 10);

  // Delete the newest 59 windows: the one left is window 4940, the oldest of the 60 kept.
  const del = new ChangeSet();
  const d = del.del(VIEW_TABLES.trending_tracks);
  for (let w = 4941; w < 5000; w++) d.set(d.add(), 0, w * MIN);
  live.apply(del, {});
  assert.equal(live.state().trending?.window_start, iso(4940 * MIN));
  assert.deepEqual(live.state().trending?.tracks.map((t) => t.plays), [4941, 1]);
  const last = new ChangeSet();
  last.del(VIEW_TABLES.trending_tracks).set(last.del(VIEW_TABLES.trending_tracks).add(), 0, 4940 * MIN);
  live.apply(last, {});
  assert.equal(live.state().trending, null, 'window 4939 and older were never kept');
});

test('a later flush with a newer window pushes out the oldest kept one; an older window than every kept one is not kept', () => {
  const live = new LiveViews();
  live.apply(windows(0, 60), {});
  live.apply(windows(60, 1), {});
  live.apply(windows(-5, 1), {}); // late: older than the 60 kept (1..60)
  const del = new ChangeSet();
  const d = del.del(VIEW_TABLES.trending_tracks);
  for (let w = 2; w <= 60; w++) d.set(d.add(), 0, w * MIN);
  live.apply(del, {});
  assert.equal(live.state().trending?.window_start, iso(1 * MIN)); // 0 was pushed out, -5 never kept
});
