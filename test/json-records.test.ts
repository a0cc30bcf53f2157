// Splitting JSON arrays into records survives truncation and broken records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonRecords } from '../src/formats/json-records.js';

test('a valid array gives one record per element', () => {
  const r = jsonRecords('[{"a":1},{"a":"x, ]"}]');
  assert.deepEqual(r.records, ['{"a":1}', '{"a":"x, ]"}']);
  assert.deepEqual(r.problems, []);
});

test('a truncated array keeps the complete records and names the cut one', () => {
  const r = jsonRecords('[\n  {"a": 1},\n  {"a": "two"},\n  {"a": 3, "b": "unfinish');
  assert.deepEqual(r.records, ['{"a": 1}', '{"a": "two"}']);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.index, 3);
  assert.match(r.problems[0]!.reason, /truncated/);
});

test('a broken record in the middle is reported and the rest kept', () => {
  const r = jsonRecords('[{"a":1},{"a":NaN},{"a":3}]');
  assert.equal(r.records.length, 3);
  assert.equal(r.records[1], null);
  assert.equal(r.records[2], '{"a":3}');
  assert.deepEqual(r.problems.map((p) => p.index), [2]);
});

test('an object where an array was expected is a document-level problem', () => {
  const r = jsonRecords('{"x": 1}');
  assert.deepEqual(r.records, []);
  assert.equal(r.problems[0]!.index, 0);
  assert.match(r.problems[0]!.reason, /array/);
});

test('records under a key', () => {
  const r = jsonRecords('{"listen_type":"import","payload":[{"a":1},{"a":2}]}', 'payload');
  assert.equal(r.records.length, 2);
});

test('garbage is a single clear problem', () => {
  const r = jsonRecords('\u0000\u0001 binary');
  assert.equal(r.records.length, 0);
  assert.equal(r.problems.length, 1);
});
