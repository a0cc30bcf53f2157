// Filling a fresh DuckDB data chunk's vectors from JavaScript values, for the server's two appenders
// (fast-commit.ts into ingest.pending, fast-stage.ts into a group's staging table). The package's
// setItem keeps its own copy of every value and makes a BigInt of each 64-bit one; here strings go
// straight into the native vector, a string the whole chunk shares is one constant, and 64-bit numbers
// are written as two 32-bit words.
import { BIGINT, BOOLEAN, INTEGER, TIMESTAMPTZ, VARCHAR, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import bindings, { type Vector } from '@duckdb/node-bindings';
import type { FastValue } from './fast-stage.js';

/** The DuckDB type of each SQL type name the server's tables use. */
export const DUCK: Record<string, DuckDBType> = { VARCHAR, BIGINT, BOOLEAN, TIMESTAMPTZ, INTEGER };

/** Rows per chunk an appender is given. */
export const CHUNK = 2048;

/** A fresh chunk's vector, as the package builds it: typed items for numbers and times, setItem for the rest. */
export interface Vec {
  readonly items?: BigInt64Array | BigUint64Array | Int32Array;
  readonly validity?: { data: BigUint64Array | null };
  /** The native vector. */
  readonly vector: Vector;
  setItem(i: number, v: DuckDBValue): void;
  flush(): void;
}

/** Marks every item of a fresh vector NULL: one bitmask fill, not a call per row. */
export function allNull(vec: Vec, m: number): void {
  vec.setItem(0, null);
  const bits = vec.validity?.data;
  if (bits instanceof BigUint64Array) bits.fill(0n);
  else for (let i = 1; i < m; i++) vec.setItem(i, null);
  vec.flush();
}

const scratch: FastValue[] = new Array<FastValue>(CHUNK);

/** Items 0..m-1 of a fresh chunk's vector of SQL type `type` set to value(i) (a TIMESTAMPTZ's in epoch ms). */
export function fillVector(vec: Vec, type: string, m: number, value: (i: number) => FastValue): void {
  for (let i = 0; i < m; i++) scratch[i] = value(i);
  if (type === 'VARCHAR') {
    // One value throughout (a group's source, origin, action): a constant vector, one call.
    const v0 = scratch[0];
    let same = v0 !== null;
    for (let i = 1; same && i < m; i++) same = scratch[i] === v0;
    if (same) {
      bindings.vector_reference_value(vec.vector, bindings.create_varchar(v0 as string));
      return;
    }
    for (let i = 0; i < m; i++) {
      const v = scratch[i]!;
      if (v === null) vec.setItem(i, null);
      else bindings.vector_assign_string_element(vec.vector, i, v as string);
    }
  } else if (type === 'BIGINT' || type === 'TIMESTAMPTZ') {
    const a = vec.items!;
    const words = new Uint32Array(a.buffer, a.byteOffset, m * 2);
    const scale = type === 'TIMESTAMPTZ' ? 1000 : 1;
    for (let i = 0; i < m; i++) {
      const v = scratch[i]!;
      if (v === null) vec.setItem(i, null);
      else setInt64(words, i, (v as number) * scale);
    }
  } else if (type === 'INTEGER') {
    const items = vec.items as Int32Array;
    for (let i = 0; i < m; i++) {
      const v = scratch[i]!;
      if (v === null) vec.setItem(i, null);
      else items[i] = v as number;
    }
  } else {
    for (let i = 0; i < m; i++) vec.setItem(i, scratch[i]!);
  }
  vec.flush();
}

/** Item i of a 64-bit vector (little-endian words) set to the safe integer v. */
function setInt64(words: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  words[2 * i] = v - hi * 4294967296;
  words[2 * i + 1] = hi >>> 0;
}
