// `npm run demo`: the whole job on embedded defaults. Generates a world, imports it into a fresh lake,
// shows what is there and a few telling queries. Later capabilities add their steps here.
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateWorld } from '../generate/index.js';
import { runImport } from '../import/run.js';
import { formatSummary } from '../import/summary.js';
import { queryLake } from '../lake/query.js';
import { renderRows } from '../cli/output.js';
import { progressBar } from '../cli/progress.js';
import { buildRecap, renderRecap, toRecapRows } from '../reports/recap.js';
import { runReports } from '../reports/runner.js';
import { openStore } from '../store/index.js';
import { shellArg } from '../util/shell.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'earshot-demo' },
    events: { type: 'string', default: '300000' },
    users: { type: 'string', default: '500' },
    tracks: { type: 'string', default: '3000' },
    'no-serve': { type: 'boolean', default: false },
    port: { type: 'string', default: '8080' },
    'serve-for': { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run demo [-- --dir DIR] [--events N] [--users N] [--tracks N] [--no-serve] [--port N] [--serve-for SECONDS]
Generates a synthetic world into DIR/world, imports it into DIR/data (erased first), runs queries, every
report group and the stream engine, then serves the API and dashboard on --port (default 8080) with a
trickle of new listens until Ctrl-C (--serve-for stops after that many seconds; --no-serve skips it).`);
  process.exit(0);
}

const dir = resolve(values.dir);
const world = join(dir, 'world');
const data = join(dir, 'data');
/** The data folder as the printed commands spell it (quoted when it has spaces). */
const dataArg = shellArg(data);
// Step titles in bold on a terminal; plain text into a pipe or a log file, or with NO_COLOR set.
const bold = process.stdout.isTTY && !process.env['NO_COLOR'];
const step = (s: string) => console.log(bold ? `\n\u001b[1m▸ ${s}\u001b[0m` : `\n▸ ${s}`);

async function show(title: string, sql: string): Promise<void> {
  const res = await queryLake(data, sql);
  console.log(`\n${title}\n  $ earshot query ${shellArg(sql.replace(/\s+/g, ' '))} --data ${dataArg}\n`);
  console.log(renderRows(res.rows, res.columns, 'table').replace(/^/gm, '  '));
}

await rm(dir, { recursive: true, force: true });
step(`1. generate a world: ${values.users} listeners, ${values.tracks} tracks, ${Number(values.events).toLocaleString('en-US')} play events`);
const bar = progressBar();
const gen = await generateWorld({
  out: world,
  users: Number(values.users),
  tracks: Number(values.tracks),
  events: Number(values.events),
  days: 28,
  seed: 42,
  format: 'events',
  dirty: 0.002,
  onProgress: (d, t) => bar.update('generating', t ? d / t : 1),
});
bar.done();
console.log(`  wrote ${gen.files.map((f) => f.replace(dir + '/', '')).join(', ')} in ${gen.seconds.toFixed(1)} s`);
console.log(`  (with ${gen.malformed} malformed, ${gen.duplicates} duplicate and ${gen.late} late records, as real feeds have)`);

step('2. import it into the lake');
const bar2 = progressBar();
const summary = await runImport({ inputs: [world], dataDir: data, onProgress: (p) => bar2.update(p.label, p.percent / 100, p.phase) });
bar2.done();
console.log(formatSummary(summary).replace(/^/gm, '  '));

step('3. what is in the lake');
await show('tables', `SELECT 'listens' AS "table", count(*) AS rows FROM listens UNION ALL SELECT 'tracks', count(*) FROM tracks UNION ALL SELECT 'rejects', count(*) FROM rejects`);

step('4. a few telling queries');
await show(
  'most played artists',
  `SELECT artist_name, count(*) AS plays, count(DISTINCT user_id) AS listeners, round(avg((action = 'skip')::INT), 3) AS skip_rate
   FROM listens GROUP BY 1 ORDER BY plays DESC LIMIT 5`,
);
await show(
  'plays and skip rate by genre',
  `SELECT t.genre, count(*) AS plays, round(avg((l.action = 'skip')::INT), 3) AS skip_rate
   FROM listens l JOIN tracks t USING (track_key) GROUP BY 1 ORDER BY plays DESC LIMIT 6`,
);
await show(
  'device mix',
  `SELECT platform, count(*) AS plays, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct FROM listens GROUP BY 1 ORDER BY plays DESC`,
);
await show(
  'busiest hours (UTC)',
  `SELECT hour(listened_at) AS hour, count(*) AS plays FROM listens GROUP BY 1 ORDER BY plays DESC LIMIT 5`,
);

step('5. every report group (seed-insights, activity, catalogue, recap) into the store and files');
const reportsOut = join(dir, 'reports');
const reportRun = await runReports({ dataDir: data, out: reportsOut });
for (const o of reportRun.outcomes) console.log(`  ${o.ok ? '✓' : '✗'} ${o.group.padEnd(13)} ${o.report.padEnd(26)} ${o.ok ? `${o.rows.toLocaleString('en-US').padStart(8)} rows → ${o.file?.replace(dir + '/', '')}` : o.error?.message}`);
console.log(`  generation ${reportRun.generation} published to ${reportRun.store} in ${reportRun.seconds.toFixed(1)} s; files under ${reportsOut}/<report>/`);
// The recap in that run is of the user with the most plays (its default).
const recapStore = await openStore(data, { readOnly: true });
const recapData = (await recapStore.read('recap', { generation: reportRun.generation }))?.data ?? [];
await recapStore.close();
const recap = buildRecap(toRecapRows(recapData));
console.log(`\n  $ earshot recap ${recap.user} --data ${dataArg}    (or: earshot report show recap)\n`);
console.log(renderRecap(recap, reportRun.range).replace(/^(?=.)/gm, '  '));
console.log(`\n  more: earshot report list; earshot report run --group activity --from 2026-01-05 --to 2026-01-11 --tz Europe/Berlin --data ${dataArg}`);

step('6. stream the lake through the event-time engine: live views, checkpointed');
{
  const { runStream } = await import('../engine/runner.js');
  const { DEFAULT_CONFIG } = await import('../engine/config.js');
  const { readView } = await import('../store/views.js');
  const res = await runStream({ dataDir: data, source: { kind: 'lake' }, config: DEFAULT_CONFIG, untilIdle: true, fresh: true });
  const c = res.counters;
  console.log(`  $ earshot stream --source lake --until-idle --data ${dataArg}`);
  console.log(`  ${c['events_in']!.toLocaleString('en-US')} listens in ${res.seconds.toFixed(1)} s (${res.eventsPerSecond.toLocaleString('en-US')}/s): accepted ${c['accepted']}, late ${c['late']}; watermark ${new Date(res.watermark).toISOString()}`);
  const trending = (await readView(data, 'trending_tracks')).rows;
  const plays = new Map<unknown, number>();
  for (const r of trending) plays.set(r['window_start'], (plays.get(r['window_start']) ?? 0) + Number(r['plays']));
  const busiest = [...plays].sort((a, b) => b[1] - a[1])[0]?.[0];
  const top = trending.filter((r) => r['window_start'] === busiest).slice(0, 5);
  console.log(`\n  trending_tracks, the busiest 5-minute window (${String(busiest)}):\n`);
  console.log(renderRows(top, ['rank', 'track_name', 'artist_name', 'plays'], 'table').replace(/^/gm, '  '));
  const profiles = (await readView(data, 'user_profiles')).rows.sort((a, b) => Number(b['plays']) - Number(a['plays'])).slice(0, 3);
  console.log(`\n  user_profiles, the three heaviest listeners:\n`);
  console.log(renderRows(profiles.map((p) => ({ ...p, minutes: Math.round(Number(p['minutes'])), skip_rate: Number(p['skip_rate']).toFixed(3) })), ['user_id', 'plays', 'minutes', 'skip_rate', 'favourite_genre', 'mood_tags'], 'table').replace(/^/gm, '  '));
  console.log(`\n  every view as CSV: earshot views dump --data ${dataArg} --out ${shellArg(join(dir, 'views'))}`);
}

step('7. moods, recommendations and their offline evaluation');
{
  const { trainRecs, recommend, evaluate, userMoodTags } = await import('../recs/index.js');
  const { evaluationTable } = await import('../cli/commands/recs.js');
  const quick = { als: { factors: 32, iterations: 10, regularization: 1, cgSteps: 2, seed: 42 }, alpha: 1, itemItem: { neighbours: 100, shrink: 10 }, tagShare: 0.25 };
  const t = await trainRecs(data, { train: quick });
  console.log(`  $ earshot recs train --factors 32 --iterations 10 --data ${dataArg}`);
  console.log(`  ${t.users} users × ${t.items} tracks: ${Object.entries(t.seconds).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}`);
  const who = String((await queryLake(data, `SELECT user_id FROM listens GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).rows[0]?.['user_id']);
  const tags = (await userMoodTags(data, who)).filter((m) => m.tag).map((m) => `${m.mood} (${Math.round(m.share * 100)}%, mostly ${m.part_of_day})`);
  console.log(`\n  ${who}'s mood tags: ${tags.join(', ')}\n\n  $ earshot recs for ${who} --n 6\n`);
  console.log(renderRows(recommend(data, who, { n: 6 }).map((r) => ({ ...r })), ['title', 'artist', 'reason'], 'table').replace(/^/gm, '  '));
  const e = await evaluate(data, { k: 10, train: quick });
  console.log(`\n  $ earshot recs evaluate --data ${dataArg}   (time split: each listener's latest 20% held out)\n`);
  console.log(evaluationTable(e).replace(/^/gm, '  '));
}

step('next');
console.log(`  earshot query "SELECT * FROM listens LIMIT 5" --data ${dataArg}
  earshot tables --data ${dataArg}
  earshot import YOUR_SPOTIFY_EXPORT.zip --data ${dataArg} --user you
  earshot lake compact --data ${dataArg}   (after several imports: one file per month again)
  (run the CLI with npx earshot, or node bin/earshot.js, from this folder)`);

if (!values['no-serve']) {
  step('serve: the HTTP API and the dashboard, with live listens trickling in');
  const { demoServe } = await import('./serve-step.js');
  await demoServe({ data, port: Number(values.port), seconds: Number(values['serve-for']), log: (s) => console.log(s) });
}
