// The ML artefacts as plain files any process reads without a lock: DATA/ml/track_map.parquet (one row
// per catalogue track: key, map x/y, cluster, genre, title, artist, mood; x/y/cluster NULL for a track
// without audio features) and DATA/ml/clusters.json. Each is written beside itself and renamed into place.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { all, lit, openDb } from '../util/db.js';
import { EarshotError } from '../util/errors.js';
import type { Scaler } from './scaling.js';

export interface TrackMapRow {
  readonly track_key: string;
  readonly x: number | null;
  readonly y: number | null;
  readonly cluster: number | null;
  readonly genre: string | null;
  readonly title: string | null;
  readonly artist: string | null;
  readonly mood: string | null;
}

export interface ClusterInfo {
  readonly cluster: number;
  readonly size: number;
  /** Words from the centroid, e.g. "acoustic, calm, positive". */
  readonly description: string;
  readonly top_genres: { genre: string; tracks: number }[];
  /** The centroid in the features' own units. */
  readonly centroid: Record<string, number>;
}

export interface ClusterSummary {
  readonly computed_at: string;
  readonly tracks: number;
  readonly with_features: number;
  readonly without_features: number;
  readonly k: number;
  readonly k_choice: 'auto' | 'given';
  readonly silhouette: number | null;
  readonly silhouette_sample: number;
  readonly tried: { k: number; silhouette: number | null }[];
  readonly features: string[];
  readonly scaler: Scaler;
  readonly seed: number;
  readonly seconds: { kmeans: number; map: number; total: number };
  readonly clusters: ClusterInfo[];
}

export const mlDir = (dataDir: string): string => join(dataDir, 'ml');
export const trackMapPath = (dataDir: string): string => join(mlDir(dataDir), 'track_map.parquet');
export const clustersPath = (dataDir: string): string => join(mlDir(dataDir), 'clusters.json');

export async function writeMlFiles(dataDir: string, rows: readonly TrackMapRow[], summary: ClusterSummary): Promise<void> {
  const dir = mlDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const tag = `tmp-${process.pid}-${Date.now()}`;
  const nd = join(dir, `.track_map.${tag}.ndjson`);
  const pq = join(dir, `.track_map.${tag}.parquet`);
  writeFileSync(nd, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const db = await openDb();
  try {
    await db.conn.run(`COPY (SELECT * FROM read_json(${lit(nd)}, format = 'newline_delimited', columns = {track_key: 'VARCHAR', x: 'DOUBLE', y: 'DOUBLE', cluster: 'INTEGER', genre: 'VARCHAR', title: 'VARCHAR', artist: 'VARCHAR', mood: 'VARCHAR'})) TO ${lit(pq)} (FORMAT parquet)`);
  } finally {
    db.close();
    rmSync(nd, { force: true });
  }
  renameSync(pq, trackMapPath(dataDir));
  const cj = join(dir, `.clusters.${tag}.json`);
  writeFileSync(cj, JSON.stringify(summary, null, 2) + '\n');
  renameSync(cj, clustersPath(dataDir));
}

export class MapNotComputedError extends EarshotError {
  constructor(dataDir: string) {
    super(`no catalogue map in ${mlDir(dataDir)}`, { hint: `run \`earshot ml cluster --data ${dataDir}\`` });
  }
}

/** Every row of DATA/ml/track_map.parquet. */
export async function readTrackMap(dataDir: string): Promise<TrackMapRow[]> {
  const p = trackMapPath(dataDir);
  if (!existsSync(p)) throw new MapNotComputedError(dataDir);
  const db = await openDb();
  try {
    const rows = await all(db.conn, `SELECT track_key, x, y, cluster, genre, title, artist, mood FROM read_parquet(${lit(p)})`);
    return rows.map((r) => ({ track_key: String(r['track_key']), x: (r['x'] as number | null) ?? null, y: (r['y'] as number | null) ?? null, cluster: (r['cluster'] as number | null) ?? null, genre: (r['genre'] as string | null) ?? null, title: (r['title'] as string | null) ?? null, artist: (r['artist'] as string | null) ?? null, mood: (r['mood'] as string | null) ?? null }));
  } finally {
    db.close();
  }
}

/** DATA/ml/clusters.json: k, silhouette, each cluster's description, genres and centroid. */
export function readClusters(dataDir: string): ClusterSummary {
  const p = clustersPath(dataDir);
  if (!existsSync(p)) throw new MapNotComputedError(dataDir);
  return JSON.parse(readFileSync(p, 'utf8')) as ClusterSummary;
}
