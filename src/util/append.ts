// Bulk appends of numeric columns into a DuckDB table: DataChunks of 2,048 rows filled with one typed-array
// copy per column (no value-by-value conversion), which is what keeps writing millions of view rows cheap.
import { DOUBLE, DuckDBDataChunk, INTEGER, type DuckDBConnection } from '@duckdb/node-api';

export interface NumericColumn {
  readonly type: 'INTEGER' | 'DOUBLE';
  readonly data: Float64Array;
}

const CHUNK = 2048;

interface WritableVector {
  items: Float64Array | Int32Array;
  flush(): void;
}

export async function appendNumeric(conn: DuckDBConnection, table: string, schema: string, catalog: string, cols: readonly NumericColumn[], n: number): Promise<void> {
  if (n === 0) return;
  const appender = await conn.createAppender(table, schema, catalog);
  try {
    const types = cols.map((c) => (c.type === 'INTEGER' ? INTEGER : DOUBLE));
    for (let off = 0; off < n; off += CHUNK) {
      const m = Math.min(CHUNK, n - off);
      const chunk = DuckDBDataChunk.create(types, m);
      cols.forEach((c, j) => {
        const v = chunk.getColumnVector(j) as unknown as WritableVector;
        if (!(v.items instanceof Float64Array || v.items instanceof Int32Array)) throw new Error('unexpected vector layout in @duckdb/node-api');
        // Int32Array.set converts each double (the values are whole numbers by construction).
        v.items.set(c.data.subarray(off, off + m));
        v.flush();
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Appends rows of strings and numbers one value at a time (for small tables: dictionaries, counters). */
export async function appendRows(
  conn: DuckDBConnection,
  table: string,
  schema: string,
  catalog: string,
  types: readonly ('VARCHAR' | 'INTEGER' | 'DOUBLE')[],
  rows: readonly (readonly (string | number | null)[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await conn.createAppender(table, schema, catalog);
  try {
    for (const r of rows) {
      for (let j = 0; j < types.length; j++) {
        const v = r[j] ?? null;
        if (v === null) appender.appendNull();
        else if (types[j] === 'VARCHAR') appender.appendVarchar(String(v));
        else if (types[j] === 'INTEGER') appender.appendInteger(Number(v));
        else appender.appendDouble(Number(v));
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
