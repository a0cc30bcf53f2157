// Reading a sample's head: sampleLine and headObjects walk the text line by line (the server detects
// the format of every body it is sent); they must give what splitting the whole sample gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { headKeys, headObjects } from '../src/formats/generic-sql.js';
import { sampleLine } from '../src/formats/readers.js';

/** The plain reading, written here: split everything, then look. */
function refLine(head: string, n: number): string {
  return (head.split('\n')[n] ?? '').replace(/\r$/, '');
}
function refObjects(head: string, max: number): unknown[] {
  const out: unknown[] = [];
  for (const line of (head.charCodeAt(0) === 0xfeff ? head.slice(1) : head).split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(t);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(v);
    } catch {
      continue;
    }
    if (out.length >= max) break;
  }
  return out;
}

const lines = fc.array(fc.oneof(fc.constantFrom('', '\r', '{"a":1}', '{"b":"x"}\r', ' {"c":[1]} ', '[1,2]', '{broken', 'a,b,c', '\uFEFF{"d":2}'), fc.string({ maxLength: 8 })), { maxLength: 30 });

test('sampleLine gives the nth line as a split would, for any text and n', () => {
  fc.assert(
    fc.property(lines, fc.nat(35), fc.boolean(), (ls, n, trailing) => {
      const head = ls.join('\n') + (trailing ? '\n' : '');
      assert.equal(sampleLine(head, n), refLine(head, n));
    }),
    { numRuns: 500 },
  );
});

test('headObjects gives the first objects as a split would, with or without a byte-order mark', () => {
  fc.assert(
    fc.property(lines, fc.integer({ min: 1, max: 8 }), fc.boolean(), (ls, max, bom) => {
      const head = (bom ? '\uFEFF' : '') + ls.join('\n');
      assert.deepEqual(headObjects(head, max), refObjects(head, max));
    }),
    { numRuns: 500 },
  );
});

test('headKeys of two samples in turn are each their own', () => {
  assert.deepEqual([...headKeys('{"user_id":1,"track_name":"x"}\n{"ms_played":3}')], ['user_id', 'track_name', 'ms_played']);
  assert.deepEqual([...headKeys('{"ts":"2024-01-01"}')], ['ts']);
  assert.deepEqual([...headKeys('{"user_id":1,"track_name":"x"}\n{"ms_played":3}')], ['user_id', 'track_name', 'ms_played']);
});
