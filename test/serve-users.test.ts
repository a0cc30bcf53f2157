// Token hashes stay what users.json files already hold: SHA-256 in hex (the FIPS 180-2 test vector for
// "abc"), so tokens issued by an earlier earshot keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../src/serve/users.js';

test('a token is stored as its SHA-256 in hex', () => {
  assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(hashToken(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
