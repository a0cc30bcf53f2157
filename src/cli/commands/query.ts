// `earshot query "SQL"` and `earshot tables`: DuckDB SQL over the lake, and what tables it has.
import type { Command, Option } from 'commander';
import { Option as Opt } from 'commander';
import { resolveDataDir, dataPaths } from '../../lake/paths.js';
import { queryLake, queryLakeCsv } from '../../lake/query.js';
import { TABLES } from '../../model/schema.js';
import { openDb } from '../../util/db.js';
import { attachLake } from '../../lake/views.js';
import { renderRows, type OutputFormat } from '../output.js';

const formatOption = (): Option => new Opt('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table');

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('run DuckDB SQL over the lake (tables: listens, tracks, other_plays, play_counts, artists, artist_tags, rejects, imports)')
    .argument('<sql>', 'the SQL to run, e.g. "SELECT artist_name, count(*) FROM listens GROUP BY 1 ORDER BY 2 DESC LIMIT 10"')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .addOption(formatOption())
    .action(async (sql: string, o: { data?: string; format: OutputFormat }) => {
      const dataDir = resolveDataDir(o.data);
      // CSV goes straight from DuckDB to stdout when it can; tables and JSON are rendered here.
      if (o.format === 'csv' && process.platform !== 'win32' && (await queryLakeCsv(dataDir, sql, '/dev/stdout'))) return;
      const res = await queryLake(dataDir, sql);
      console.log(renderRows(res.rows, res.columns, o.format));
    });

  program
    .command('tables')
    .description('list the lake tables with their row counts and columns')
    .option('--data <dir>', 'data directory (default: $EARSHOT_DATA or ./earshot-data)')
    .option('--json', 'print as JSON')
    .action(async (o: { data?: string; json?: boolean }) => {
      const db = await openDb();
      try {
        await attachLake(db.conn, dataPaths(resolveDataDir(o.data)));
        const out = [];
        for (const t of TABLES) {
          const rows = (await db.conn.runAndReadAll(`SELECT count(*) FROM ${t.name}`)).getRows()[0]?.[0];
          out.push({ table: t.name, rows: Number(rows ?? 0), doc: t.doc, columns: t.columns.map((c) => ({ name: c.name, type: c.type, doc: c.doc })) });
        }
        if (o.json) console.log(JSON.stringify(out, null, 2));
        else {
          for (const t of out) {
            console.log(`${t.table} — ${t.rows.toLocaleString('en-US')} rows — ${t.doc}`);
            console.log(`  ${t.columns.map((c) => `${c.name} ${c.type}`).join(', ')}\n`);
          }
        }
      } finally {
        db.close();
      }
    });
}
