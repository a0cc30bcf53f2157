// `earshot ml cluster`: KMeans on the catalogue's scaled audio features (k given, or chosen by
// silhouette), a 2-D UMAP map, and a description of each cluster from its centroid; written to
// DATA/ml/track_map.parquet and DATA/ml/clusters.json (src/ml/files.ts).
import { attachLake } from '../lake/views.js';
import { dataPaths } from '../lake/paths.js';
import { all, openDb } from '../util/db.js';
import { UsageError } from '../util/errors.js';
import { describeScaled } from './describe.js';
import { embed2d, EMBED_DEFAULTS } from './embedding.js';
import { AUDIO_FEATURES, F, featureMatrix, hasFeatures } from './features.js';
import { writeMlFiles, type ClusterInfo, type ClusterSummary, type TrackMapRow } from './files.js';
import { kmeans } from './kmeans.js';
import { DEFAULT_MOOD_OPTIONS, moodSql, type MoodOptions } from './moods.js';
import { fitScaler, scale } from './scaling.js';
import { silhouette } from './silhouette.js';

export interface ClusterOptions {
  readonly k?: number | 'auto';
  /** Range tried by auto (inclusive). */
  readonly kRange?: readonly [number, number];
  readonly seed?: number;
  /** Points the silhouette is computed on (a seeded sample; it is quadratic). */
  readonly silhouetteSample?: number;
  readonly nEpochs?: number;
  readonly mood?: MoodOptions;
  readonly onProgress?: (label: string, fraction: number) => void;
}

export const CLUSTER_DEFAULTS = Object.freeze({ kRange: [2, 12] as const, seed: 42, silhouetteSample: 2000 });

/** Chooses k by silhouette over the range and clusters; or clusters with the given k. */
export function chooseAndCluster(z: Float32Array, o: ClusterOptions): { k: number; labels: Int32Array; centroids: Float64Array; silhouette: number | null; tried: { k: number; silhouette: number | null }[] } {
  const n = z.length / F;
  const seed = o.seed ?? CLUSTER_DEFAULTS.seed;
  const sample = o.silhouetteSample ?? CLUSTER_DEFAULTS.silhouetteSample;
  const tried: { k: number; silhouette: number | null }[] = [];
  if (o.k !== undefined && o.k !== 'auto') {
    const r = kmeans(z, F, o.k, { seed });
    const s = silhouette(z, F, r.labels, r.k, { sample, seed });
    return { k: r.k, labels: r.labels, centroids: r.centroids, silhouette: s, tried: [{ k: r.k, silhouette: s }] };
  }
  const [lo, hi] = o.kRange ?? CLUSTER_DEFAULTS.kRange;
  let best: { k: number; labels: Int32Array; centroids: Float64Array; silhouette: number | null } | null = null;
  for (let k = lo; k <= Math.min(hi, n - 1); k++) {
    o.onProgress?.(`kmeans k=${k}`, (k - lo) / Math.max(1, hi - lo + 1));
    const r = kmeans(z, F, k, { seed });
    const s = silhouette(z, F, r.labels, r.k, { sample, seed });
    tried.push({ k: r.k, silhouette: s });
    if (!best || (s ?? -2) > (best.silhouette ?? -2)) best = { k: r.k, labels: r.labels, centroids: r.centroids, silhouette: s };
  }
  if (!best) {
    // One or two tracks: a single cluster.
    const r = kmeans(z, F, 1, { seed });
    return { k: 1, labels: r.labels, centroids: r.centroids, silhouette: null, tried };
  }
  return { ...best, tried };
}

export async function clusterCatalogue(dataDir: string, o: ClusterOptions = {}): Promise<ClusterSummary> {
  const t0 = performance.now();
  if (o.k !== undefined && o.k !== 'auto' && !(Number.isInteger(o.k) && o.k >= 1)) throw new UsageError(`--k expects a whole number ≥ 1 or "auto", got ${o.k}`);
  const mood = o.mood ?? DEFAULT_MOOD_OPTIONS;
  const db = await openDb();
  let rows: Record<string, unknown>[];
  try {
    await attachLake(db.conn, dataPaths(dataDir));
    rows = await all(
      db.conn,
      `SELECT track_key, title, artist_name, genre, ${moodSql(mood.thresholds)} AS mood, ${AUDIO_FEATURES.map((f) => `t."${f}"::DOUBLE AS "${f}"`).join(', ')}
       FROM tracks t WHERE track_key IS NOT NULL QUALIFY row_number() OVER (PARTITION BY track_key ORDER BY ingested_at DESC) = 1 ORDER BY track_key`,
    );
  } finally {
    db.close();
  }
  if (!rows.length) throw new UsageError(`the lake in ${dataDir} has no tracks to cluster`, { hint: 'import a catalogue with audio features, e.g. earshot import spotify_tracks_114k_sample' });
  const x = featureMatrix(rows);
  const withF: number[] = [];
  for (let i = 0; i < rows.length; i++) if (hasFeatures(x, i)) withF.push(i);
  if (!withF.length) throw new UsageError(`none of the ${rows.length.toLocaleString('en-US')} tracks in ${dataDir} has audio features`, { hint: 'import a catalogue with audio features (danceability, energy, valence, …), e.g. spotify_tracks_114k_sample' });
  const scaler = fitScaler(x, withF);
  const zAll = scale(x, scaler);
  const z = new Float32Array(withF.length * F);
  withF.forEach((i, r) => z.set(zAll.subarray(i * F, i * F + F), r * F));

  const tk = performance.now();
  const chosen = chooseAndCluster(z, o);
  const kmeansSeconds = (performance.now() - tk) / 1000;
  const tm = performance.now();
  o.onProgress?.('map (UMAP)', 0);
  const xy = embed2d(z, F, { seed: o.seed ?? CLUSTER_DEFAULTS.seed, nEpochs: o.nEpochs ?? EMBED_DEFAULTS.nEpochs, onProgress: (f) => o.onProgress?.('map (UMAP)', f) });
  const mapSeconds = (performance.now() - tm) / 1000;

  const clusters: ClusterInfo[] = [];
  for (let c = 0; c < chosen.k; c++) {
    const members = withF.filter((_, r) => chosen.labels[r] === c);
    const genres = new Map<string, number>();
    for (const i of members) {
      const g = rows[i]!['genre'];
      if (g) genres.set(String(g), (genres.get(String(g)) ?? 0) + 1);
    }
    const centroid = chosen.centroids.subarray(c * F, c * F + F);
    clusters.push({
      cluster: c,
      size: members.length,
      description: describeScaled(centroid),
      top_genres: [...genres].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5).map(([genre, tracks]) => ({ genre, tracks })),
      centroid: Object.fromEntries(AUDIO_FEATURES.map((f, j) => [f, Math.round((centroid[j]! * scaler.sd[j]! + scaler.mean[j]!) * 1000) / 1000])),
    });
  }
  const mapRows: TrackMapRow[] = rows.map((r) => ({ track_key: String(r['track_key']), x: null, y: null, cluster: null, genre: (r['genre'] as string | null) ?? null, title: (r['title'] as string | null) ?? null, artist: (r['artist_name'] as string | null) ?? null, mood: (r['mood'] as string | null) ?? null }));
  withF.forEach((i, r) => {
    const row = mapRows[i]!;
    mapRows[i] = { ...row, x: xy[r * 2]!, y: xy[r * 2 + 1]!, cluster: chosen.labels[r]! };
  });
  const summary: ClusterSummary = {
    computed_at: new Date().toISOString(),
    tracks: rows.length,
    with_features: withF.length,
    without_features: rows.length - withF.length,
    k: chosen.k,
    k_choice: o.k === undefined || o.k === 'auto' ? 'auto' : 'given',
    silhouette: chosen.silhouette,
    silhouette_sample: Math.min(withF.length, o.silhouetteSample ?? CLUSTER_DEFAULTS.silhouetteSample),
    tried: chosen.tried,
    features: [...AUDIO_FEATURES],
    scaler,
    seed: o.seed ?? CLUSTER_DEFAULTS.seed,
    seconds: { kmeans: Math.round(kmeansSeconds * 1000) / 1000, map: Math.round(mapSeconds * 1000) / 1000, total: 0 },
    clusters,
  };
  await writeMlFiles(dataDir, mapRows, summary);
  summary.seconds.total = Math.round((performance.now() - t0)) / 1000;
  return summary;
}
