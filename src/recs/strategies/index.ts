// The registry of strategies, in training order (the blend comes last: it uses the others).
import type { Strategy, StrategyName } from '../types.js';
import { popularity } from './popularity.js';
import { itemItem } from './item-item.js';
import { als } from './als.js';
import { content } from './content.js';
import { mood } from './mood.js';
import { blend } from './blend.js';

export const STRATEGY_LIST: readonly Strategy[] = [popularity, itemItem, als, content, mood, blend];

export function strategy(name: StrategyName): Strategy {
  return STRATEGY_LIST.find((s) => s.name === name)!;
}
