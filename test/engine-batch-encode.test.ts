// The server's live batches are encoded by BatchDictionaries (src/engine/sources/encode.ts): strings
// travel from DuckDB to the engine's dictionaries as JSON and only ids come back. Awkward strings
// (quotes, backslashes, line breaks, control characters, emoji, accents, empty and missing names) must
// reach the dictionaries unchanged, new ones must get ids in sorted order, known ones keep theirs, and
// the listen query's joins must give every row the id of its own strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { Dicts } from '../src/engine/dict.js';
import { BatchDictionaries } from '../src/engine/sources/encode.js';

const AWKWARD = ['plain', 'quote "q" and \'s\'', 'back\\slash', 'line\nbreak\ttab', 'ctl\u0001\u001f', 'emoji 🎧 ok', 'Ça été', '', ' spaced '];

test('awkward strings reach the dictionaries unchanged, new ones get ids in sorted order, and the joins give each row its own ids', async () => {
  const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const conn = await db.connect();
  try {
    const d = new Dicts();
    // Known before the batch: one user and one track, with the ids 0.
    assert.equal(d.users.id('known user'), 0);
    assert.equal(d.track('known key', 'Known', 'Known Artist'), 0);
    const enc = await BatchDictionaries.create(conn, d);

    await conn.run('CREATE TABLE l (user_id VARCHAR, track_key VARCHAR, track_name VARCHAR, artist_name VARCHAR)');
    const rows: [string, string, string | null, string | null][] = [['known user', 'known key', 'Other name', null]];
    AWKWARD.forEach((s, i) => rows.push([`u ${s}`, `k ${s}`, i === 2 ? null : `name ${s}`, i === 3 ? null : `a ${s}`]));
    const app = await conn.createAppender('l');
    for (const r of rows) {
      for (const v of r) {
        if (v === null) app.appendNull();
        else app.appendVarchar(v);
      }
      app.endRow();
    }
    app.closeSync();

    await enc.encode('SELECT * FROM l');

    // Users and tracks: the known one kept id 0; the new ones follow in sorted order (UTF-16 order
    // equals DuckDB's byte order for these strings).
    const newUsers = AWKWARD.map((s) => `u ${s}`).sort();
    assert.deepEqual(d.users.values, ['known user', ...newUsers]);
    assert.deepEqual(d.tracks.values, ['known key', ...AWKWARD.map((s) => `k ${s}`).sort()]);
    // Artists: every non-null one, sorted; the missing artist (row 3) is not an artist.
    assert.deepEqual(d.artists.values, AWKWARD.filter((_, i) => i !== 3).map((s) => `a ${s}`).sort());
    // Names as given (the known track keeps its first name; a missing name stays null).
    for (const [i, s] of AWKWARD.entries()) {
      const t = d.tracks.find(`k ${s}`)!;
      assert.equal(d.trackName[t], i === 2 ? null : `name ${s}`, `name of k ${JSON.stringify(s)}`);
      assert.equal(d.trackArtist[t], i === 3 ? null : `a ${s}`, `artist of k ${JSON.stringify(s)}`);
    }
    assert.equal(d.trackName[0], 'Known');

    // The joins: every row's ids are those of its own strings.
    const got = (await conn.runAndReadAll(`SELECT l.user_id, l.track_key, l.artist_name, eu.id, et.id, ea.id FROM l ${enc.joins('l')} ORDER BY l.user_id`)).getRows();
    assert.equal(got.length, rows.length);
    for (const [u, k, a, uid, tid, aid] of got) {
      assert.equal(uid, d.users.find(String(u)), `user ${JSON.stringify(u)}`);
      assert.equal(tid, d.tracks.find(String(k)), `track ${JSON.stringify(k)}`);
      assert.equal(aid, a === null ? null : d.artists.find(String(a)), `artist ${JSON.stringify(a)}`);
    }

    // A second batch replaces the first: a known string keeps its id, a new one gets the next.
    await conn.run('DELETE FROM l');
    await conn.run(`INSERT INTO l VALUES ('u plain', 'k brand new', 'x', 'a plain')`);
    await enc.encode('SELECT * FROM l');
    const second = (await conn.runAndReadAll(`SELECT eu.id, et.id, ea.id FROM l ${enc.joins('l')}`)).getRows();
    assert.deepEqual(second, [[d.users.find('u plain'), AWKWARD.length + 1, d.artists.find('a plain')]]);
    assert.equal(d.tracks.values[AWKWARD.length + 1], 'k brand new');
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});
