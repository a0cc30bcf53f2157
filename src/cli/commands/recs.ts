// `earshot recs train | for | evaluate`: train every recommender and store it under DATA/recs/, print
// recommendations with their reasons, and measure every strategy offline (docs/ml.md).
import type { Command } from 'commander';
import { Option } from 'commander';
import { resolveDataDir } from '../../lake/paths.js';
import { moodOptions } from '../../ml/moods.js';
import { evaluate, recommend, STRATEGIES, trainRecs, type Evaluation, type StrategyName } from '../../recs/index.js';
import { TRAIN_DEFAULTS } from '../../recs/train.js';
import { UsageError } from '../../util/errors.js';
import { renderRows } from '../output.js';
import { progressBar } from '../progress.js';

const DATA_HELP = 'data directory (default: $EARSHOT_DATA or ./earshot-data)';
const whole = (name: string) => (v: string): number => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new UsageError(`--${name} expects a whole number ≥ 1, got "${v}"`);
  return x;
};
const positive = (name: string) => (v: string): number => {
  const x = Number(v);
  if (!(Number.isFinite(x) && x > 0)) throw new UsageError(`--${name} expects a number > 0, got "${v}"`);
  return x;
};
const share = (name: string) => (v: string): number => {
  const x = Number(v);
  if (!(x > 0 && x < 1)) throw new UsageError(`--${name} expects a share between 0 and 1, got "${v}"`);
  return x;
};
const strategyList = (v: string, prev: StrategyName[] = []): StrategyName[] => {
  if (!STRATEGIES.includes(v as StrategyName)) throw new UsageError(`unknown strategy "${v}"`, { hint: `one of ${STRATEGIES.join(', ')}` });
  return [...prev, v as StrategyName];
};
const fix = (x: number): string => x.toFixed(4);

/** The evaluation as a table, one row per strategy, plus the ratios the project tracks. */
export function evaluationTable(e: Evaluation): string {
  const rows = e.rows.map((r) => ({
    strategy: r.strategy,
    [`precision@${e.k}`]: fix(r.precision),
    [`recall@${e.k}`]: fix(r.recall),
    [`ndcg@${e.k}`]: fix(r.ndcg),
    [`map@${e.k}`]: fix(r.map),
    coverage: fix(r.coverage),
    'train s': r.train_seconds.toFixed(2),
  }));
  const cols = Object.keys(rows[0] ?? { strategy: '' });
  const head = `${e.source}: ${e.users.toLocaleString('en-US')} users × ${e.items.toLocaleString('en-US')} items; ${e.split} split holding out ${Math.round(e.test_share * 100)}% (${e.test_pairs.toLocaleString('en-US')} of ${(e.train_pairs + e.test_pairs).toLocaleString('en-US')} pairs, seed ${e.seed}); ${e.rows[0]?.users.toLocaleString('en-US') ?? 0} users evaluated`;
  const by = new Map(e.rows.map((r) => [r.strategy, r.ndcg]));
  const ratio = (a: StrategyName, b: StrategyName): string | null => (by.has(a) && by.get(b) ? `${a}/${b} NDCG@${e.k} = ${(by.get(a)! / by.get(b)!).toFixed(2)}×` : null);
  const ratios = [ratio('als', 'popularity'), ratio('als', 'item-item')].filter(Boolean).join('; ');
  return `${head}\n\n${renderRows(rows, cols, 'table')}${ratios ? `\n\n${ratios}` : ''}`;
}

export function registerRecs(program: Command): void {
  const recs = program.command('recs').description('recommendations: train and store every strategy, recommend for a user, evaluate offline');

  recs
    .command('train')
    .description('train every strategy on the lake (listens, else play_counts) and store them under DATA/recs/')
    .option('--data <dir>', DATA_HELP)
    .addOption(new Option('--source <source>', 'what to learn from').choices(['auto', 'listens', 'play_counts']).default('auto'))
    .addOption(new Option('--weight <weight>', 'confidence from plays or minutes played (auto: minutes when listens know them)').choices(['auto', 'plays', 'minutes']).default('auto'))
    .option('--strategy <name>', `train only this strategy (repeatable): ${STRATEGIES.join(', ')}`, strategyList)
    .option('--factors <n>', 'ALS latent factors', whole('factors'), TRAIN_DEFAULTS.als.factors)
    .option('--iterations <n>', 'ALS iterations', whole('iterations'), TRAIN_DEFAULTS.als.iterations)
    .option('--alpha <x>', 'ALS confidence: c = 1 + alpha · ln(1 + weight)', positive('alpha'), TRAIN_DEFAULTS.alpha)
    .option('--regularization <x>', 'ALS L2 regularisation', positive('regularization'), TRAIN_DEFAULTS.als.regularization)
    .option('--mood-valence <x>', 'valence threshold of derived moods (0–1)', Number)
    .option('--mood-energy <x>', 'energy threshold of derived moods (0–1)', Number)
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `
Strategies: popularity, item-item (co-listening cosine with shrinkage), als (implicit ALS, conjugate
gradient), content (audio features), mood (happy songs for sad listeners), blend (all, with reasons).
A new generation is written to DATA/recs/gN/ and made current in one rename; readers need no lock.

Examples:
  earshot recs train
  earshot import hetrec2011_lastfm_2k --data hetrec && earshot recs train --data hetrec`)
    .action(async (o: { data?: string; source: 'auto'; weight: 'auto'; strategy?: StrategyName[]; factors: number; iterations: number; alpha: number; regularization: number; moodValence?: number; moodEnergy?: number; json?: boolean }) => {
      const dataDir = resolveDataDir(o.data);
      const bar = progressBar();
      const mood = moodOptions({ ...(o.moodValence !== undefined ? { valence: o.moodValence } : {}), ...(o.moodEnergy !== undefined ? { energy: o.moodEnergy } : {}) });
      const s = await trainRecs(dataDir, {
        source: o.source,
        weight: o.weight,
        mood,
        ...(o.strategy ? { strategies: o.strategy } : {}),
        train: { ...TRAIN_DEFAULTS, alpha: o.alpha, als: { ...TRAIN_DEFAULTS.als, factors: o.factors, iterations: o.iterations, regularization: o.regularization } },
        onProgress: (label, f) => bar.update(label, f, 'training'),
      });
      bar.done();
      if (o.json) return console.log(JSON.stringify(s, null, 2));
      console.log(`trained on ${s.source} (${s.weight}): ${s.users.toLocaleString('en-US')} users × ${s.items.toLocaleString('en-US')} items, ${s.pairs.toLocaleString('en-US')} pairs → ${dataDir}/recs/${s.generation}`);
      for (const [k, v] of Object.entries(s.seconds)) console.log(`  ${k.padEnd(11)} ${v.toFixed(2).padStart(7)} s`);
      console.log(`next: earshot recs for USER --data ${dataDir}`);
    });

  recs
    .command('for')
    .description('recommendations for one user, each with its reason (from the stored models)')
    .argument('<user>', 'the user id, as in listens.user_id or play_counts.user_id')
    .option('--data <dir>', DATA_HELP)
    .option('--n <n>', 'how many', whole('n'), 20)
    .addOption(new Option('--strategy <name>', 'which recommender').choices([...STRATEGIES]).default('blend'))
    .option('--include-recent', 'also show items the user played recently (left out by default)')
    .option('--recent-days <n>', 'how far back "recently" reaches from the latest play in the data', whole('recent-days'), 30)
    .option('--json', 'print as JSON')
    .addHelpText('after', `
At most two items by one artist. A user the models do not know gets popular items, saying so.

Examples:
  earshot recs for user_12 --n 10
  earshot recs for 2 --strategy als --json --data hetrec`)
    .action((user: string, o: { data?: string; n: number; strategy: StrategyName; includeRecent?: boolean; recentDays: number; json?: boolean }) => {
      const rows = recommend(resolveDataDir(o.data), user, { n: o.n, strategy: o.strategy, includeRecent: !!o.includeRecent, recentDays: o.recentDays });
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      console.log(renderRows(rows.map((r, i) => ({ '#': i + 1, ...r, score: r.score.toFixed(4) })), ['#', 'title', 'artist', 'reason', 'score', 'track_key'], 'table'));
    });

  recs
    .command('evaluate')
    .description('hold out part of the data, train every strategy on the rest and measure precision, recall, NDCG, MAP at k, coverage and training time')
    .option('--data <dir>', DATA_HELP)
    .addOption(new Option('--split <split>', "time: each user's latest listens; random: a random share of each user's pairs; auto: time when there are play times").choices(['auto', 'time', 'random']).default('auto'))
    .option('--k <k>', 'list length', whole('k'), 10)
    .option('--test-share <x>', 'share held out per user', share('test-share'), 0.2)
    .option('--seed <n>', 'seed of the random split', (v) => Number(v), 42)
    .addOption(new Option('--source <source>', 'what to learn from').choices(['auto', 'listens', 'play_counts']).default('auto'))
    .option('--strategy <name>', 'evaluate only this strategy (repeatable)', strategyList)
    .option('--json', 'print as JSON')
    .addHelpText('after', `
Only held-out items the user had not played in the training part count as hits (lists never show
played items). Users with nothing held out are skipped. See docs/ml.md for the metric definitions.

Examples:
  earshot recs evaluate
  earshot recs evaluate --data hetrec --split random --k 10 --json`)
    .action(async (o: { data?: string; split: 'auto' | 'time' | 'random'; k: number; testShare: number; seed: number; source: 'auto'; strategy?: StrategyName[]; json?: boolean }) => {
      const bar = progressBar();
      const e = await evaluate(resolveDataDir(o.data), { split: o.split, k: o.k, testShare: o.testShare, seed: o.seed, source: o.source, ...(o.strategy ? { strategies: o.strategy } : {}), onProgress: (l, f) => bar.update(l, f) });
      bar.done();
      console.log(o.json ? JSON.stringify(e, null, 2) : evaluationTable(e));
    });
}
