// Benchmarks of issue 7: training ALS (64 factors, 15 iterations) on HetRec Last.fm 2K and on a generated
// 1M-listen world, the offline evaluation on HetRec (NDCG ratios), and clustering + the UMAP map of the
// 10,000-track Spotify sample. Sizes are fixed by the issue; --rows does not apply. Reads ../shared/datasets
// (or $EARSHOT_DATASETS).
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateWorld } from '../generate/index.js';
import { runImport } from '../import/run.js';
import { clusterCatalogue } from '../ml/cluster.js';
import { buildContext } from '../recs/context.js';
import { loadDataset } from '../recs/data.js';
import { evaluate } from '../recs/evaluate.js';
import { TRAIN_DEFAULTS } from '../recs/train.js';
import { als } from '../recs/strategies/als.js';
import type { BenchContext } from './import.js';
import type { BenchEntry } from './results.js';

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

function datasets(): string {
  const found = [process.env['EARSHOT_DATASETS'], resolve('..', 'shared', 'datasets'), '/work/shared/datasets'].find((p) => p && existsSync(join(p, 'README.md')));
  if (!found) throw new Error('shared datasets not found: set EARSHOT_DATASETS to the datasets folder');
  return found;
}

async function lakeOf(ctx: BenchContext, name: string, inputs: string[]): Promise<string> {
  const dir = join(ctx.tmp, `ml-${name}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  await rm(dir, { recursive: true, force: true });
  ctx.log(`importing ${inputs.join(', ')} into ${dir} …`);
  await runImport({ inputs, dataDir: dir });
  await import('node:fs/promises').then((f) => f.writeFile(join(dir, '.complete'), ''));
  return dir;
}

/** Seconds to train the ALS strategy (64 factors, 15 iterations) on everything in a lake, best of `runs`. */
async function timeAls(dataDir: string, runs: number): Promise<{ seconds: number[]; users: number; items: number; pairs: number }> {
  const ds = await loadDataset(dataDir);
  const { ctx } = buildContext(ds);
  const seconds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    als.train(ctx, TRAIN_DEFAULTS, new Map());
    seconds.push((performance.now() - t0) / 1000);
  }
  return { seconds, users: ds.users.length, items: ds.items.keys.length, pairs: ds.train.length };
}

export async function benchMl(ctx: BenchContext): Promise<BenchEntry[]> {
  const at = new Date().toISOString();
  const command = 'npm run bench -- ml';
  const d = datasets();
  const o = TRAIN_DEFAULTS.als;
  const entries: BenchEntry[] = [];

  const hetrec = await lakeOf(ctx, 'hetrec', [join(d, 'hetrec2011_lastfm_2k')]);
  ctx.log('ALS on HetRec Last.fm 2K (artists as items) …');
  const h = await timeAls(hetrec, 3);
  const hMed = [...h.seconds].sort((a, b) => a - b)[1]!;
  ctx.log(`  ${h.seconds.map((s) => s.toFixed(2)).join(', ')} s`);
  entries.push({
    name: 'ml-als-hetrec',
    description: `training implicit ALS (${o.factors} factors, ${o.iterations} iterations, ${o.cgSteps} CG steps, λ ${o.regularization}, alpha ${TRAIN_DEFAULTS.alpha}) on HetRec Last.fm 2K play counts (${h.users} users × ${h.items} artists, ${h.pairs} pairs), in process, median of 3; loading the lake not included`,
    figures: { users: h.users, items: h.items, pairs: h.pairs, seconds: round(hMed), min_seconds: round(Math.min(...h.seconds)), max_seconds: round(Math.max(...h.seconds)) },
    target: '≤ 5 s',
    pass: hMed <= 5,
    command,
    at,
  });

  ctx.log('evaluation on HetRec (random split, 20% held out, k = 10) …');
  const e = await evaluate(hetrec, { split: 'random', k: 10 });
  const nd = Object.fromEntries(e.rows.map((r) => [r.strategy, r.ndcg]));
  const vsPop = nd['als']! / nd['popularity']!;
  const vsItem = nd['als']! / nd['item-item']!;
  ctx.log(`  ALS NDCG@10 ${nd['als']!.toFixed(4)}: ${vsPop.toFixed(2)}× popularity, ${vsItem.toFixed(2)}× item-item`);
  entries.push({
    name: 'recs-eval-hetrec',
    description: 'earshot recs evaluate on HetRec Last.fm 2K: random split holding out 20% of each user’s artists (seed 42), every strategy trained on the rest, NDCG@10 over users with held-out artists',
    figures: {
      users_evaluated: e.rows[0]?.users ?? 0,
      ...Object.fromEntries(e.rows.flatMap((r) => [[`${r.strategy}_ndcg10`, round(r.ndcg, 4)], [`${r.strategy}_precision10`, round(r.precision, 4)]])),
      als_over_popularity: round(vsPop, 2),
      als_over_item_item: round(vsItem, 2),
    },
    target: 'ALS NDCG@10 ≥ 2.5× popularity and ≥ 0.95× item-item',
    pass: vsPop >= 2.5 && vsItem >= 0.95,
    command,
    at,
  });

  const worldDir = join(ctx.tmp, 'ml-world-1m');
  if (!existsSync(join(worldDir, '.complete'))) {
    await rm(worldDir, { recursive: true, force: true });
    ctx.log('generating a 1M-listen world (2,000 users, 20,000 tracks, 90 days) …');
    await generateWorld({ out: worldDir, users: 2000, tracks: 20_000, events: 1_000_000, days: 90, seed: 7, format: 'parquet', dirty: 0 });
    await import('node:fs/promises').then((f) => f.writeFile(join(worldDir, '.complete'), ''));
  }
  const world = await lakeOf(ctx, 'world-1m-lake', [worldDir]);
  ctx.log('ALS on the generated 1M-listen world (tracks as items, minutes as confidence) …');
  const w = await timeAls(world, 1);
  ctx.log(`  ${w.seconds[0]!.toFixed(2)} s`);
  entries.push({
    name: 'ml-als-world-1m',
    description: `training implicit ALS (${o.factors} factors, ${o.iterations} iterations) on a generated world (earshot generate --users 2000 --tracks 20000 --events 1000000 --days 90 --seed 7 --format parquet, imported): ${w.users} users × ${w.items} tracks, ${w.pairs} user-track pairs, in process; loading not included`,
    figures: { users: w.users, items: w.items, pairs: w.pairs, seconds: round(w.seconds[0]!) },
    target: '≤ 30 s',
    pass: w.seconds[0]! <= 30,
    command,
    at,
  });

  const spotify = await lakeOf(ctx, 'spotify-114k', [join(d, 'spotify_tracks_114k_sample')]);
  ctx.log('clusters and the UMAP map of the 10,000-track Spotify sample …');
  const c = await clusterCatalogue(spotify, { k: 'auto' });
  ctx.log(`  k = ${c.k}, silhouette ${c.silhouette?.toFixed(3)}, kmeans ${c.seconds.kmeans} s, map ${c.seconds.map} s`);
  entries.push({
    name: 'ml-map-spotify-10k',
    description: `earshot ml cluster --k auto on spotify_tracks_114k_sample (${c.with_features} distinct tracks): KMeans for k = 2..12 with silhouette on a 2,000-track sample, then UMAP (umap-js, 15 neighbours, 200 epochs) to 2-D; in process`,
    figures: { tracks: c.with_features, k: c.k, silhouette: c.silhouette === null ? null : round(c.silhouette), kmeans_seconds: c.seconds.kmeans, map_seconds: c.seconds.map, total_seconds: c.seconds.total },
    target: 'map ≤ 60 s',
    pass: c.seconds.map <= 60,
    command,
    at,
  });
  return entries;
}
