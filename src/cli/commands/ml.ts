// `earshot ml cluster | moods`: cluster and map the catalogue by audio features (DATA/ml/), and show
// users' mood tags weighted by time played (docs/ml.md).
import type { Command } from 'commander';
import { resolveDataDir } from '../../lake/paths.js';
import { queryLake } from '../../lake/query.js';
import { clusterCatalogue } from '../../ml/cluster.js';
import { clustersPath, trackMapPath } from '../../ml/files.js';
import { moodOptions, userMoodsSql } from '../../ml/moods.js';
import { userMoodTags } from '../../recs/index.js';
import { UsageError } from '../../util/errors.js';
import { renderRows } from '../output.js';
import { progressBar } from '../progress.js';

const DATA_HELP = 'data directory (default: $EARSHOT_DATA or ./earshot-data)';
const kArg = (v: string): number | 'auto' => {
  if (v === 'auto') return 'auto';
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new UsageError(`--k expects a whole number ≥ 1 or "auto", got "${v}"`);
  return x;
};
const num = (v: string): number => {
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`expected a number, got "${v}"`);
  return x;
};

export function registerMl(program: Command): void {
  const ml = program.command('ml').description('moods, clusters and a 2-D map of the catalogue');

  ml.command('cluster')
    .description('KMeans on scaled audio features (k by silhouette with auto) and a 2-D UMAP map, stored per track in DATA/ml/')
    .option('--data <dir>', DATA_HELP)
    .option('--k <k>', 'clusters, or auto: the best silhouette for k = 2..12', kArg, 'auto' as const)
    .option('--seed <n>', 'seed of KMeans++, the silhouette sample and UMAP (same seed, same map)', (v) => Number(v), 42)
    .option('--epochs <n>', 'UMAP optimisation epochs', (v) => Number(v), 200)
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `
Writes DATA/ml/track_map.parquet (track_key, x, y, cluster, genre, title, artist, mood; x, y and cluster
are empty for a track without audio features) and DATA/ml/clusters.json (k, silhouette, each cluster's
description from its centroid, top genres). Query the map with
  earshot query "SELECT * FROM read_parquet('DATA/ml/track_map.parquet') LIMIT 5"

Examples:
  earshot ml cluster
  earshot ml cluster --k 8 --json`)
    .action(async (o: { data?: string; k: number | 'auto'; seed: number; epochs: number; json?: boolean }) => {
      const dataDir = resolveDataDir(o.data);
      const bar = progressBar();
      const s = await clusterCatalogue(dataDir, { k: o.k, seed: o.seed, nEpochs: o.epochs, onProgress: (l, f) => bar.update(l, f) });
      bar.done();
      if (o.json) return console.log(JSON.stringify(s, null, 2));
      console.log(`${s.with_features.toLocaleString('en-US')} of ${s.tracks.toLocaleString('en-US')} tracks have audio features${s.without_features ? ` (${s.without_features} without: kept on the map with no position or cluster)` : ''}`);
      console.log(`k = ${s.k} (${s.k_choice})${s.silhouette === null ? ', no silhouette for one cluster' : `, silhouette ${s.silhouette.toFixed(3)} (on ${s.silhouette_sample.toLocaleString('en-US')} tracks)`}; kmeans ${s.seconds.kmeans.toFixed(1)} s, map ${s.seconds.map.toFixed(1)} s`);
      if (s.tried.length > 1) console.log(`tried: ${s.tried.map((t) => `k=${t.k} ${t.silhouette?.toFixed(3) ?? '–'}`).join(', ')}`);
      console.log('');
      console.log(renderRows(s.clusters.map((c) => ({ cluster: c.cluster, tracks: c.size, description: c.description, genres: c.top_genres.slice(0, 3).map((g) => g.genre).join(', ') })), ['cluster', 'tracks', 'description', 'genres'], 'table'));
      console.log(`\n→ ${trackMapPath(dataDir)}\n→ ${clustersPath(dataDir)}`);
    });

  ml.command('moods')
    .description("a user's mood tags (or every user's), weighted by time played; catalogue mood, else derived from valence and energy")
    .argument('[user]', 'one user (default: every user, top moods)')
    .option('--data <dir>', DATA_HELP)
    .option('--mood-valence <x>', 'valence at or above this is positive (Happy, Chill)', num)
    .option('--mood-energy <x>', 'energy at or above this is high (Happy, Energetic)', num)
    .option('--tag-share <x>', 'a mood is a tag from this share of the time with a known mood', num)
    .option('--json', 'print as JSON')
    .addHelpText('after', `
Moods: Happy (valence ≥ 0.5, energy ≥ 0.5), Energetic (valence < 0.5, energy ≥ 0.5), Chill
(valence ≥ 0.5, energy < 0.5), Sad (both < 0.5) unless the catalogue gives one; thresholds in docs/ml.md.

Examples:
  earshot ml moods user_12
  earshot ml moods --mood-valence 0.6 --json`)
    .action(async (user: string | undefined, o: { data?: string; moodValence?: number; moodEnergy?: number; tagShare?: number; json?: boolean }) => {
      const dataDir = resolveDataDir(o.data);
      const opts = { ...(o.moodValence !== undefined ? { valence: o.moodValence } : {}), ...(o.moodEnergy !== undefined ? { energy: o.moodEnergy } : {}), ...(o.tagShare !== undefined ? { tagShare: o.tagShare } : {}) };
      if (user) {
        const moods = await userMoodTags(dataDir, user, opts);
        if (o.json) return console.log(JSON.stringify({ user, moods }, null, 2));
        if (!moods.length) return console.log(`${user}: no plays of tracks with a known mood (no catalogue mood and no valence/energy)`);
        console.log(`${user}: ${moods.filter((m) => m.tag).map((m) => m.mood).join(', ')}\n`);
        return console.log(renderRows(moods.map((m) => ({ ...m, share: m.share.toFixed(3), minutes: Math.round(m.minutes) })), ['mood', 'share', 'minutes', 'plays', 'part_of_day', 'tag'], 'table'));
      }
      const mo = moodOptions(opts);
      const rows = (await queryLake(dataDir, `SELECT user_id, string_agg(mood, ', ' ORDER BY share DESC) FILTER (WHERE share >= ${mo.tagShare}) AS tags, round(max(share), 3) AS top_share, round(sum(minutes)) AS minutes FROM (${userMoodsSql(mo)}) GROUP BY 1 ORDER BY minutes DESC`)).rows;
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      console.log(renderRows(rows, ['user_id', 'tags', 'top_share', 'minutes'], 'table'));
    });
}
