// KMeans, silhouette and the map: hand-checkable cases, then the real 10,000-track Spotify sample
// (clusters with a silhouette; tracks of each acoustic genre sit measurably closer on the map than random
// pairs), and the awkward catalogues: one genre, a track without audio features, no features at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kmeans } from '../src/ml/kmeans.js';
import { silhouette } from '../src/ml/silhouette.js';
import { pca2 } from '../src/ml/embedding.js';
import { clusterCatalogue } from '../src/ml/cluster.js';
import { readClusters, readTrackMap } from '../src/ml/files.js';
import { runImport } from '../src/import/run.js';
import { DATASETS, needsDatasets, tempDir } from './helpers/lake.js';

test('kmeans finds two obvious groups; silhouette of a hand-checked layout', () => {
  const x = Float32Array.from([0, 0, 0, 1, 10, 10, 10, 11]);
  const r = kmeans(x, 2, 2, { seed: 3 });
  assert.equal(r.labels[0], r.labels[1]);
  assert.equal(r.labels[2], r.labels[3]);
  assert.notEqual(r.labels[0], r.labels[2]);
  // Every point has a = 1 (its partner). (0,0) and, by symmetry, (10,11): b = (√200 + √221) / 2;
  // (0,1) and (10,10): b = (√181 + √200) / 2. Silhouette = mean of 1 − a/b over the four.
  const b1 = (Math.sqrt(200) + Math.sqrt(221)) / 2;
  const b2 = (Math.sqrt(181) + Math.sqrt(200)) / 2;
  const s = silhouette(x, 2, r.labels, 2)!;
  assert.ok(Math.abs(s - (1 - 1 / b1 + 1 - 1 / b2) / 2) < 1e-6, `${s}`);
  assert.equal(silhouette(x, 2, new Int32Array(4), 1), null);
});

test('kmeans caps k at the number of points and survives identical points', () => {
  const r = kmeans(Float32Array.from([1, 1, 1, 1, 1, 1]), 2, 5);
  assert.equal(r.k, 3);
  assert.equal(r.inertia, 0);
});

test('pca2 lays a line out along x', () => {
  const xy = pca2(Float32Array.from([0, 0, 1, 1, 2, 2]), 2);
  assert.ok(Math.abs(Math.abs(xy[4]! - xy[0]!) - 2 * Math.SQRT2) < 1e-4);
  assert.ok(Math.abs(xy[1]!) < 1e-6 && Math.abs(xy[5]!) < 1e-6);
});

const ACOUSTIC = ['acoustic', 'folk', 'singer-songwriter', 'sleep', 'new-age', 'ambient', 'classical', 'piano'];

test('the Spotify sample: clusters with a silhouette, acoustic genres together on the map', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await runImport({ inputs: [join(DATASETS, 'spotify_tracks_114k_sample')], dataDir: dir });
    const s = await clusterCatalogue(dir, { k: 'auto' });
    assert.equal(s.with_features, 9749);
    assert.ok(s.k >= 2 && s.silhouette !== null && s.silhouette > 0.1, `k ${s.k}, silhouette ${s.silhouette}`);
    assert.ok(s.clusters.every((c) => c.description.length > 0));
    assert.deepEqual(readClusters(dir).k, s.k);
    const map = (await readTrackMap(dir)).filter((r) => r.x !== null);
    assert.equal(map.length, 9749);
    const d = (a: (typeof map)[number], b: (typeof map)[number]) => Math.hypot(a.x! - b.x!, a.y! - b.y!);
    // Mean distance between two tracks of the same acoustic genre, against random pairs.
    let same = 0;
    let n = 0;
    for (const g of ACOUSTIC) {
      const t = map.filter((r) => r.genre === g);
      for (let i = 0; i < t.length; i++) {
        for (let j = i + 1; j < t.length; j++) {
          same += d(t[i]!, t[j]!);
          n++;
        }
      }
    }
    let rand = 0;
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % map.length;
    for (let k = 0; k < 20000; k++) rand += d(map[next()]!, map[next()]!);
    const ratio = same / n / (rand / 20000);
    assert.ok(ratio < 0.85, `acoustic genres: mean distance ${ratio.toFixed(3)} of random pairs'`);
  } finally {
    await cleanup();
  }
});

/** A tiny spotify-tracks catalogue: `rows` of [id, genre, features or null]. */
function catalogue(dir: string, rows: [string, string, number[] | null][]): string {
  const head = ',track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre';
  const lines = rows.map(([id, genre, f], i) => {
    const v = f ?? [];
    const at = (k: number) => (f ? String(v[k]) : '');
    return `${i},${id},Artist ${i % 3},Album,Song ${i},50,200000,False,${at(0)},${at(1)},5,${at(2)},1,${at(3)},${at(4)},${at(5)},${at(6)},${at(7)},${at(8)},4,${genre}`;
  });
  const p = join(dir, 'dataset.csv');
  writeFileSync(p, [head, ...lines].join('\n') + '\n');
  return p;
}

test('one genre, a track without audio features: a map, a cluster description, no crash', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const rows: [string, string, number[] | null][] = [];
    for (let i = 0; i < 40; i++) {
      const a = i % 2 ? 0.9 : 0.1;
      rows.push([`${String(i).padStart(22, 'A')}`, 'jazz', [0.5 + a / 10, a, -10 + a, 0.05, 1 - a, 0.1, 0.1, a, 100 + 40 * a]]);
    }
    rows.push(['Z'.repeat(22), 'jazz', null]);
    await runImport({ inputs: [catalogue(dir, rows)], dataDir: join(dir, 'data') });
    const s = await clusterCatalogue(join(dir, 'data'), { k: 'auto', silhouetteSample: 100 });
    assert.equal(s.tracks, 41);
    assert.equal(s.without_features, 1);
    assert.equal(s.k, 2, 'two obvious groups');
    assert.ok(s.clusters.every((c) => c.top_genres[0]?.genre === 'jazz'));
    const map = await readTrackMap(join(dir, 'data'));
    const none = map.find((r) => r.track_key.endsWith('Z'.repeat(22)))!;
    assert.equal(none.x, null);
    assert.equal(none.cluster, null);
    assert.equal(map.filter((r) => r.x !== null).length, 40);
  } finally {
    await cleanup();
  }
});

test('a catalogue without any audio features is a clear error', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await runImport({ inputs: [catalogue(dir, [['A'.repeat(22), 'pop', null], ['B'.repeat(22), 'pop', null]])], dataDir: join(dir, 'data') });
    await assert.rejects(clusterCatalogue(join(dir, 'data')), /none of the 2 tracks .* has audio features/);
    await assert.rejects(clusterCatalogue(join(dir, 'empty')), /has no tracks to cluster/);
  } finally {
    await cleanup();
  }
});
