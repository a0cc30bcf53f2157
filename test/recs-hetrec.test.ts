// The quality bar on real data: on HetRec Last.fm 2K (artists as items) ALS must reach at least
// 2.5× popularity's NDCG@10 and 0.95× item similarity's on the same random split; and a catalogue with
// no audio features and no moods still gives every strategy a sensible list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { evaluate, recommend, trainRecs } from '../src/recs/index.js';
import { DATASETS, needsDatasets, tempDir } from './helpers/lake.js';

test('HetRec 2K: ALS NDCG@10 ≥ 2.5× popularity and ≥ 0.95× item-item; content and mood fall back to popularity', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await runImport({ inputs: [join(DATASETS, 'hetrec2011_lastfm_2k')], dataDir: dir });
    const e = await evaluate(dir, { split: 'auto', k: 10 });
    assert.equal(e.source, 'play_counts');
    assert.equal(e.split, 'random', 'play counts have no times: auto picks a random split');
    assert.equal(e.users, 1892);
    assert.equal(e.items, 17632);
    assert.equal(e.train_pairs + e.test_pairs, 92834);
    const nd = Object.fromEntries(e.rows.map((r) => [r.strategy, r.ndcg]));
    assert.deepEqual(Object.keys(nd), ['popularity', 'item-item', 'als', 'content', 'mood', 'blend']);
    assert.ok(nd['als']! >= 2.5 * nd['popularity']!, `ALS ${nd['als']} vs popularity ${nd['popularity']}`);
    assert.ok(nd['als']! >= 0.95 * nd['item-item']!, `ALS ${nd['als']} vs item-item ${nd['item-item']}`);
    await assert.rejects(evaluate(dir, { split: 'time' }), /no play times, so a time split is impossible/);

    await trainRecs(dir, { strategies: ['popularity', 'content', 'mood', 'item-item'] });
    for (const strategy of ['content', 'mood'] as const) {
      const recs = recommend(dir, '2', { n: 5, strategy });
      assert.equal(recs.length, 5);
      assert.ok(recs.every((r) => /^popular: \d+ listeners$/.test(r.reason)), JSON.stringify(recs));
    }
    const ii = recommend(dir, '2', { n: 5, strategy: 'item-item' });
    assert.ok(ii.every((r) => r.reason.startsWith('because you played ')), JSON.stringify(ii));
    assert.throws(() => recommend(dir, '2', { strategy: 'als' }), /strategy als was not trained/);
  } finally {
    await cleanup();
  }
});
