// The audio features earshot learns from, in one fixed order, and how to read them from the tracks
// table into a dense row-major Float32Array (NaN where a track lacks a feature).

/** Audio features used for clusters, the map and content-based recommendations, in column order. */
export const AUDIO_FEATURES = ['danceability', 'energy', 'valence', 'tempo', 'acousticness', 'instrumentalness', 'speechiness', 'liveness', 'loudness'] as const;
export type AudioFeature = (typeof AUDIO_FEATURES)[number];
export const F = AUDIO_FEATURES.length;

/** Row-major n × F matrix from rows holding the feature columns (null/undefined/non-finite → NaN). */
export function featureMatrix(rows: readonly Record<string, unknown>[]): Float32Array {
  const out = new Float32Array(rows.length * F);
  rows.forEach((r, i) => {
    for (let j = 0; j < F; j++) {
      const v = r[AUDIO_FEATURES[j]!];
      out[i * F + j] = v === null || v === undefined || v === '' ? NaN : Number(v);
    }
  });
  return out;
}

/** Whether row i has at least `min` known features (default: all but two). */
export function hasFeatures(x: Float32Array, i: number, min = F - 2): boolean {
  let known = 0;
  for (let j = 0; j < F; j++) if (Number.isFinite(x[i * F + j]!)) known++;
  return known >= min;
}
