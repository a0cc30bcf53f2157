// Builds the shared recommender context from a loaded dataset: the training matrix, popularity, scaled
// audio features and per-user moods. Every strategy trains and serves from this one object.
import { F, hasFeatures } from '../ml/features.js';
import { fitScaler, scale, type Scaler } from '../ml/scaling.js';
import type { Dataset } from './data.js';
import { buildInteractions } from './matrix.js';
import type { RecsContext } from './types.js';

export interface BuiltContext {
  readonly ctx: RecsContext;
  /** Last play of each stored pair, parallel to ctx.interactions.indices (NaN without times). */
  readonly last: Float64Array;
  readonly scaler: Scaler;
}

export function buildContext(ds: Dataset, userMoods: RecsContext['userMoods'] = new Map()): BuiltContext {
  const nItems = ds.items.keys.length;
  const { byUser, last } = buildInteractions(ds.users.length, nItems, ds.train);
  const popularity = new Float32Array(nItems);
  for (let k = 0; k < byUser.indices.length; k++) popularity[byUser.indices[k]!]!++;
  const has = new Uint8Array(nItems);
  const withF: number[] = [];
  for (let i = 0; i < nItems; i++) {
    if (!hasFeatures(ds.items.features, i)) continue;
    has[i] = 1;
    withF.push(i);
  }
  const scaler = fitScaler(ds.items.features, withF);
  const features = scale(ds.items.features, scaler);
  for (let i = 0; i < nItems; i++) if (!has[i]) features.fill(0, i * F, i * F + F);
  const items: RecsContext['items'] = { kind: ds.items.kind, keys: ds.items.keys, titles: ds.items.titles, artists: ds.items.artists, genres: ds.items.genres, moods: ds.items.moods };
  return { ctx: { users: ds.users, items, features, hasFeatures: has, interactions: byUser, popularity, userMoods }, last, scaler };
}
