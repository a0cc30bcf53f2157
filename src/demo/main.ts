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

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'earshot-demo' },
    events: { type: 'string', default: '300000' },
    users: { type: 'string', default: '500' },
    tracks: { type: 'string', default: '3000' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run demo [-- --dir DIR] [--events N] [--users N] [--tracks N]
Generates a synthetic world into DIR/world, imports it into DIR/data (erased first) and runs a few queries.`);
  process.exit(0);
}

const dir = resolve(values.dir);
const world = join(dir, 'world');
const data = join(dir, 'data');
const step = (s: string) => console.log(`\n\u001b[1m▸ ${s}\u001b[0m`);

async function show(title: string, sql: string): Promise<void> {
  const res = await queryLake(data, sql);
  console.log(`\n${title}\n  $ earshot query "${sql.replace(/\s+/g, ' ')}" --data ${data}\n`);
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
console.log(`\n  $ earshot recap ${recap.user} --data ${data}    (or: earshot report show recap)\n`);
console.log(renderRecap(recap, reportRun.range).replace(/^(?=.)/gm, '  '));
console.log(`\n  more: earshot report list; earshot report run --group activity --from 2026-01-05 --to 2026-01-11 --tz Europe/Berlin --data ${data}`);

step('next');
console.log(`  earshot query "SELECT * FROM listens LIMIT 5" --data ${data}
  earshot tables --data ${data}
  earshot import YOUR_SPOTIFY_EXPORT.zip --data ${data} --user you
  (run the CLI with npx earshot, or node bin/earshot.js, from this folder)`);
