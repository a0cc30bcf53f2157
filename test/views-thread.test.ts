// The view store on its worker thread: a first write carrying a million dictionary entries (a replay of a
// large world flushes them all at once) arrives whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dicts } from '../src/engine/dict.js';
import { openThreadedViewStore } from '../src/store/views-thread.js';
import { withViews } from '../src/store/views.js';
import { ChangeSet } from '../src/views/tables.js';
import { tempDir } from './helpers/lake.js';

test('a first write with 1,000,000 users and tracks stores every name', async () => {
  const { dir, cleanup } = await tempDir();
  const store = await openThreadedViewStore(dir);
  try {
    const d = new Dicts();
    for (let i = 0; i < 1_000_000; i++) {
      d.users.id(`user-${i}`);
      d.track(`song:${i}`, `Title ${i}`, null);
    }
    await store.write(new ChangeSet(), d, { counters: {}, meta: {} });
    await store.release();
    const got = await withViews(dir, async (conn, q) => {
      const r = await conn.runAndReadAll(
        `SELECT (SELECT count(*) FROM ${q('stream_users')}), (SELECT user_id FROM ${q('stream_users')} WHERE id = 999999), (SELECT count(*) FROM ${q('stream_tracks')}), (SELECT track_name FROM ${q('stream_tracks')} WHERE id = 123456)`,
      );
      return r.getRows()[0]!.map((v) => (typeof v === 'bigint' ? Number(v) : v));
    });
    assert.deepEqual(got, [1_000_000, 'user-999999', 1_000_000, 'Title 123456']);
  } finally {
    await store.close();
    await cleanup();
  }
});
