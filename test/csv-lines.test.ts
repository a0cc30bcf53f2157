// Mapping DuckDB's row numbers back to file lines when it skipped malformed lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realLine } from '../src/import/csv-lines.js';

test('no skipped lines: the line is unchanged', () => {
  assert.equal(realLine(5, []), 5);
});

test('skipped lines before a row push it down', () => {
  // File lines 1 header, 2 ok, 3 bad, 4 ok(row 2 → provisional line 3), 5 bad, 6 bad, 7 ok (row 3 → provisional 4).
  assert.equal(realLine(2, [3, 5, 6]), 2);
  assert.equal(realLine(3, [3, 5, 6]), 4);
  assert.equal(realLine(4, [3, 5, 6]), 7);
});
