// The server's in-memory set of listen ids (src/serve/ingest/id-set.ts): what it holds, how it grows,
// and that the halves it reads from DuckDB's UBIGINT vectors are the halves of the id DuckDB means.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { IdSet } from '../src/serve/ingest/id-set.js';

test('an IdSet holds what was added, through growth, and nothing else', () => {
  const s = new IdSet();
  // 50,000 ids from a fixed LCG, well past the first table's 512 entries; (0, 0) included.
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const ids: [number, number][] = [[0, 0]];
  for (let i = 0; i < 50_000; i++) ids.push([next(), next()]);
  for (const [hi, lo] of ids) assert.equal(s.add(hi, lo), true);
  assert.equal(s.size, 50_001);
  for (const [hi, lo] of ids) assert.equal(s.has(hi, lo), true);
  assert.equal(s.add(ids[7]![0], ids[7]![1]), false, 'a second add of the same id');
  assert.equal(s.size, 50_001);
  // Halves swapped or off by one are other ids.
  assert.equal(s.has(ids[7]![1], ids[7]![0]), false);
  assert.equal(s.has(ids[7]![0], (ids[7]![1] + 1) >>> 0), false);
});

test('addWords reads UBIGINT values as DuckDB stores them: hi is the first 8 hex digits', async () => {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    const res = await conn.stream(`SELECT ('0x' || h)::UBIGINT FROM (VALUES ('deadbeef00000001'), ('0000000100000002'), ('ffffffffffffffff')) t(h)`);
    const chunk = (await res.fetchChunk())!;
    const items = (chunk.getColumnVector(0) as unknown as { items: BigUint64Array }).items;
    const s = new IdSet();
    s.addWords(new Uint32Array(items.buffer, items.byteOffset, chunk.rowCount * 2));
    assert.equal(s.size, 3);
    assert.equal(s.has(0xdeadbeef, 1), true);
    assert.equal(s.has(1, 2), true);
    assert.equal(s.has(0xffffffff, 0xffffffff), true);
    assert.equal(s.has(1, 0xdeadbeef), false);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
});
