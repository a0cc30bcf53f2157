// The engine's dictionaries: ranks kept by merging new values in agree, after every round of growth, with
// a full sort of all values; the checkpoint encoding of append-only string lists round-trips every string
// (nulls, empty, non-ASCII, lone surrogates) when encoded in increments and after a restore; the
// dictionaries survive a SnapshotWriter/SnapshotReader round trip, and a damaged section is refused;
// selectTopBy (trending's top N: most plays, ties to the key that sorts first) is a full sort's first N.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Dict, Dicts } from '../src/engine/dict.js';
import { SnapshotReader, SnapshotWriter, type Section } from '../src/engine/snapshot.js';
import { decodeStrings, StringEncoder } from '../src/engine/string-encoding.js';
import { selectTopBy } from '../src/engine/windows.js';

/** Each value's place in the whole list sorted by UTF-16 code units (Array.prototype.sort's own order). */
function expectedRanks(values: readonly string[]): number[] {
  const order = [...values].sort();
  const at = new Map(order.map((v, i) => [v, i]));
  return values.map((v) => at.get(v)!);
}

test('ranks after each round of new values equal a full sort of all of them', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.string({ maxLength: 6 }), { maxLength: 40 }), { minLength: 1, maxLength: 8 }), (rounds) => {
      const d = new Dict();
      for (const round of rounds) {
        for (const s of round) d.id(s);
        const r = d.ranks();
        assert.deepEqual(Array.from(r.subarray(0, d.size)), expectedRanks(d.values));
      }
    }),
    { numRuns: 300 },
  );
});

test('ranks of a known list, grown one value at a time and then many', () => {
  const d = new Dict();
  for (const s of ['m', 'c', 'x']) d.id(s);
  assert.deepEqual(Array.from(d.ranks().subarray(0, 3)), [1, 0, 2]);
  d.id('a');
  // a c m x
  assert.deepEqual(Array.from(d.ranks().subarray(0, 4)), [2, 1, 3, 0]);
  d.id('z');
  d.id('n');
  d.id('b');
  // a b c m n x z
  assert.deepEqual(Array.from(d.ranks().subarray(0, 7)), [3, 2, 5, 0, 6, 4, 1]);
  // Unchanged without growth: the same array comes back.
  assert.equal(d.ranks(), d.ranks());
});

const tricky: (string | null)[] = ['plain', '', null, 'Beyoncé', '東京事変', '🎧 mix', 'a\u0000b', '\ud800 lone high', 'lone low \udc00', 'quote " and \\ slash', null, 'x'.repeat(5000)];

test('string lists encoded in increments decode to the same strings, nulls and lone surrogates included', () => {
  const enc = new StringEncoder();
  const values: (string | null)[] = [];
  for (const s of tricky) {
    values.push(s);
    const e = enc.encode(values);
    assert.deepEqual(decodeStrings(e), values);
  }
  // Restored from its own encoding, an encoder goes on from there.
  const copy = new StringEncoder();
  const e0 = enc.encode(values);
  copy.adopt({ lens: Int32Array.from(e0.lens), bytes: Uint8Array.from(e0.bytes) });
  values.push('after restore', null, 'ünïcödé');
  assert.deepEqual(decodeStrings(copy.encode(values)), values);
});

test('string encoding round-trips any strings, in any increments', () => {
  fc.assert(
    fc.property(fc.array(fc.option(fc.string({ unit: 'binary', maxLength: 12 }), { nil: null }), { maxLength: 60 }), fc.array(fc.nat(60), { maxLength: 5 }), (all, cuts) => {
      const enc = new StringEncoder();
      const values: (string | null)[] = [];
      for (const cut of [...cuts.sort((a, b) => a - b), all.length]) {
        while (values.length < Math.min(cut, all.length)) values.push(all[values.length]!);
        assert.deepEqual(decodeStrings(enc.encode(values)), values);
      }
    }),
    { numRuns: 300 },
  );
});

test('a list that shrank since it was encoded is refused, and lengths past the bytes are an error', () => {
  const enc = new StringEncoder();
  enc.encode(['a', 'b']);
  assert.throws(() => enc.encode(['a']), /shrank from 2 to 1/);
  assert.throws(() => decodeStrings({ lens: Int32Array.from([3, 4]), bytes: new TextEncoder().encode('abcde') }), /string 1 runs past the end/);
  assert.throws(() => decodeStrings({ lens: Int32Array.from([2]), bytes: new TextEncoder().encode('abcde') }), /holds 5 bytes but its strings take 2/);
});

/** The sections of a writer as a reader sees them (copied, as a checkpoint file would give them back). */
function reread(w: SnapshotWriter): SnapshotReader {
  return new SnapshotReader(new Map(w.sections.map((s): [string, Section] => [s.name, { ...s, bytes: Uint8Array.from(s.bytes) }])));
}

test('dictionaries written as checkpoint sections read back equal, across several checkpoints', () => {
  const d = new Dicts();
  d.users.id('u1');
  d.track('spotify:track:1', 'Song', 'Artist', 'Pop', 'Happy');
  d.track('name:x — y', null, null, null, null);
  let w = new SnapshotWriter();
  d.write(w.scope('dicts'));
  // More arrive between checkpoints; the second write encodes only those.
  d.users.id('ユーザー');
  d.track('mbid:abc', '\ud83c lone', 'Ártist', null, 'Sad');
  d.artists.id('Ártist');
  w = new SnapshotWriter();
  d.write(w.scope('dicts'));
  const back = new Dicts();
  back.read(reread(w).scope('dicts'));
  assert.deepEqual(back.toJSON(), d.toJSON());
  assert.deepEqual(back.toJSON().trackName, ['Song', null, '\ud83c lone']);
  assert.deepEqual(back.toJSON().trackMood, [d.moods.find('Happy'), -1, d.moods.find('Sad')]);
  // The restored dictionaries go on giving the same ids and write what they hold.
  assert.equal(back.tracks.find('mbid:abc'), 2);
  back.track('new', 'N', null, null, null);
  const w2 = new SnapshotWriter();
  back.write(w2.scope('dicts'));
  const again = new Dicts();
  again.read(reread(w2).scope('dicts'));
  assert.deepEqual(again.toJSON(), back.toJSON());
});

test('a checkpoint whose track names do not match its tracks is refused', () => {
  const d = new Dicts();
  d.track('a', 'A', null, null, null);
  const w = new SnapshotWriter();
  d.write(w.scope('dicts'));
  const other = new Dicts();
  other.track('a', 'A', null, null, null);
  other.track('b', 'B', null, null, null);
  const w2 = new SnapshotWriter();
  other.write(w2.scope('dicts'));
  // Track names of two tracks with the tracks of one.
  const mixed = new SnapshotWriter();
  for (const s of w.sections) mixed.sections.push(s.name.startsWith('dicts.trackName') ? w2.sections.find((x) => x.name === s.name)! : s);
  assert.throws(() => new Dicts().read(reread(mixed).scope('dicts')), /trackName has 2 entries for 1 tracks/);
});

test('selectTopBy gives the first N of a full sort by count, then key', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 80, maxLength: 80 }), fc.integer({ min: 0, max: 12 }), (keys, counts, top) => {
      const better = (a: number, b: number): boolean => counts[a]! > counts[b]! || (counts[a] === counts[b] && keys[a]! < keys[b]!);
      const out = new Int32Array(top);
      const m = selectTopBy(keys.length, top, out, better);
      const expected = keys.map((_, i) => i).sort((a, b) => counts[b]! - counts[a]! || (keys[a]! < keys[b]! ? -1 : 1)).slice(0, top);
      assert.deepEqual(Array.from(out.subarray(0, m)), expected);
    }),
    { numRuns: 500 },
  );
});
