// Decides whether console SQL may run: one statement, a read (SELECT, WITH, FROM, VALUES, DESCRIBE,
// SHOW, SUMMARIZE, optionally under EXPLAIN), by DuckDB's own parser (json_serialize_sql serialises only
// SELECT-shaped statements), touching only named tables and no file-reading or SQL-running functions.
// The run itself is a READ ONLY transaction, so a write that slipped past would still fail.
import type { DuckDBConnection } from '@duckdb/node-api';
import { lit } from '../../../util/db.js';

/** Table functions a console query may call: none of them reads files or runs other SQL. */
const TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest', 'duckdb_tables', 'duckdb_views', 'duckdb_columns', 'duckdb_functions', 'duckdb_types', 'json_each', 'json_tree']);
/** Scalar functions that read the environment or files. */
const DENIED_FUNCTIONS = new Set(['getenv', 'read_text', 'read_blob', 'current_setting', 'query', 'query_table', 'glob', 'load', 'install']);
const WRITE_WORDS = /^(copy|attach|detach|install|load|set|reset|pragma|create|insert|update|delete|drop|alter|export|import|call|checkpoint|vacuum|begin|commit|rollback|use|truncate|merge|upsert|comment)\b/i;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Verdict = { ok: true; sql: string } | { ok: false; reason: string };

/** Removes comments and a trailing semicolon, so the first keyword can be read. */
export function stripSql(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .trim()
    .replace(/;\s*$/, '')
    .trim();
}

function walk(node: unknown, visit: (o: Record<string, unknown>) => string | null): string | null {
  if (Array.isArray(node)) {
    for (const x of node) {
      const r = walk(x, visit);
      if (r) return r;
    }
    return null;
  }
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    const r = visit(o);
    if (r) return r;
    for (const v of Object.values(o)) {
      const s = walk(v, visit);
      if (s) return s;
    }
  }
  return null;
}

function checkTree(tree: unknown): string | null {
  return walk(tree, (o) => {
    if (o['type'] === 'BASE_TABLE') {
      const name = String(o['table_name'] ?? '');
      if (!IDENT.test(name)) return `"${name}" is not a table name: the console reads the lake's tables (listens, tracks, …), not files`;
    }
    if (o['type'] === 'TABLE_FUNCTION') {
      const f = o['function'] as Record<string, unknown> | undefined;
      const name = String(f?.['function_name'] ?? '').toLowerCase();
      if (!TABLE_FUNCTIONS.has(name)) return `the table function ${name}() is not allowed in the console (it can read files or run other SQL); query the lake's tables instead`;
    }
    if (o['class'] === 'FUNCTION' && typeof o['function_name'] === 'string' && DENIED_FUNCTIONS.has(o['function_name'].toLowerCase())) {
      return `the function ${o['function_name']}() is not allowed in the console`;
    }
    return null;
  });
}

/** Checks console SQL with DuckDB's parser on `conn`. */
export async function checkReadOnly(conn: DuckDBConnection, raw: string): Promise<Verdict> {
  const sql = stripSql(raw);
  if (!sql) return { ok: false, reason: 'The query is empty.' };
  const first = /^\w+/.exec(sql)?.[0] ?? sql.slice(0, 12);
  if (sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""').includes(';')) return { ok: false, reason: 'Send one statement at a time.' };
  if (WRITE_WORDS.test(sql)) return { ok: false, reason: `${first.toUpperCase()} statements are not allowed: the console is read-only (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN).` };
  const body = sql.replace(/^explain\s+(analyze\s+)?/i, '');
  const reader = await conn.runAndReadAll(`SELECT json_serialize_sql(${lit(body)}) AS j`);
  // The tree spells a constant like 1e400 as a bare Infinity, which is not JSON: read those as null (only
  // the tree's shape and names matter here); if it still does not parse, refuse rather than fail.
  const text = String(reader.getRows()[0]?.[0] ?? '{}').replace(/([:[,]\s*)-?(?:Infinity|NaN)(?=\s*[,}\]])/g, '$1null');
  let parsed: { error?: boolean; error_message?: string; error_type?: string; statements?: unknown[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return { ok: false, reason: 'DuckDB could not describe this query for the read-only check; write it another way.' };
  }
  if (parsed.error) {
    if (parsed.error_type === 'not implemented') return { ok: false, reason: `${first.toUpperCase()} statements are not allowed: the console is read-only (SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN).` };
    return { ok: false, reason: parsed.error_message ?? 'DuckDB could not parse the query.' };
  }
  if ((parsed.statements?.length ?? 0) !== 1) return { ok: false, reason: `Send one statement at a time (this has ${parsed.statements?.length ?? 0}).` };
  const bad = checkTree(parsed.statements);
  return bad ? { ok: false, reason: `Not allowed: ${bad}.` } : { ok: true, sql };
}
