// Runs one measured task in its own process and prints {seconds, cpuSeconds, maxRssMb, result} as the
// last line, so each figure's peak memory and CPU time are that task's alone.
import { runImport } from '../import/run.js';
import { compactLake } from '../lake/compact.js';
import { queryLake } from '../lake/query.js';
import { rm } from 'node:fs/promises';
import { openDb, lit } from '../util/db.js';
import { importFloor } from './floors.js';

async function task(kind: string, args: string[]): Promise<unknown> {
  switch (kind) {
    case 'import': {
      const [data, ...inputs] = args;
      const s = await runImport({ inputs, dataDir: data! });
      const listens = s.written['listens'] ?? 0;
      return { read: s.totals.read, accepted: s.totals.accepted, rejected: s.totals.rejected, duplicates: s.totals.duplicates, listens };
    }
    case 'compact': {
      const r = await compactLake({ dataDir: args[0]! });
      return { months: r.months, filesBefore: r.filesBefore, rows: r.rows };
    }
    case 'duckdb-load-csv': {
      // The baseline: a plain DuckDB script that only loads the CSV into a table.
      const db = await openDb();
      try {
        await db.conn.run(`CREATE TABLE t AS SELECT * FROM read_csv(${lit(args[0]!)})`);
        return { rows: Number((await db.conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]?.[0]) };
      } finally {
        db.close();
      }
    }
    case 'duckdb-load-csv-file': {
      // For reference: the same load into a DuckDB database file, checkpointed, so the table is on disk as
      // the import's lake is (args: csv, database file).
      const [csv, file] = args as [string, string];
      await rm(file, { force: true });
      await rm(`${file}.wal`, { force: true });
      const db = await openDb({ path: file });
      try {
        await db.conn.run(`CREATE TABLE t AS SELECT * FROM read_csv(${lit(csv)})`);
        await db.conn.run('CHECKPOINT');
        return { rows: Number((await db.conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]?.[0]) };
      } finally {
        db.close();
        await rm(file, { force: true });
      }
    }
    case 'import-floor': {
      // issue 2's floor (floors.ts): args logs.csv songs.csv out.parquet
      const [logs, songs, out] = args as [string, string, string];
      const rows = await importFloor(logs, songs, out);
      await rm(out, { force: true });
      return { rows };
    }
    case 'query': {
      const res = await queryLake(args[0]!, args[1]!);
      return { rows: res.rows.length };
    }
    default:
      throw new Error(`unknown bench task ${kind}`);
  }
}

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const [kind, ...args] = process.argv.slice(2);
const result = await task(kind!, args);
const seconds = (performance.now() - t0) / 1000;
// User and system time of every thread of the process (DuckDB's included) while the task ran.
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), result }));
