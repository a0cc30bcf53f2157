// Words for a point in scaled audio-feature space (a cluster centroid, a track): the features that
// stand out most from the catalogue's mean, each as the word for its high or low side.
import { AUDIO_FEATURES, F, type AudioFeature } from './features.js';

/** [word when high, word when low] for each feature. */
const WORDS: Record<AudioFeature, readonly [string, string]> = {
  danceability: ['danceable', 'not for dancing'],
  energy: ['energetic', 'calm'],
  valence: ['positive', 'melancholic'],
  tempo: ['fast', 'slow'],
  acousticness: ['acoustic', 'electronic'],
  instrumentalness: ['instrumental', 'vocal'],
  speechiness: ['spoken', 'sung'],
  liveness: ['live', 'studio'],
  loudness: ['loud', 'quiet'],
};

/** Word pairs per feature, for docs and tests. */
export const FEATURE_WORDS: Readonly<Record<AudioFeature, readonly [string, string]>> = WORDS;

/**
 * Up to `max` words for the features whose z-score is furthest from 0 (at least `min` standard deviations away), strongest
 * first; "middle of the road" when nothing stands out. Features are listed in AUDIO_FEATURES order.
 */
export function describeScaled(z: ArrayLike<number>, max = 3, min = 0.3): string {
  const parts: { w: string; a: number }[] = [];
  for (let j = 0; j < F; j++) {
    const v = z[j]!;
    if (!Number.isFinite(v) || Math.abs(v) < min) continue;
    const pair = WORDS[AUDIO_FEATURES[j]!];
    parts.push({ w: v > 0 ? pair[0] : pair[1], a: Math.abs(v) });
  }
  parts.sort((x, y) => y.a - x.a);
  return parts.length ? parts.slice(0, max).map((p) => p.w).join(', ') : 'middle of the road';
}
