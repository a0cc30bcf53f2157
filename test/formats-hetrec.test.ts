// HetRec 2011 Last.fm 2K: the real folder (counts from the dataset's readme, values read from the
// .dat files with awk/python), user_friends.dat skipped, re-import adds 0; and small hand-made bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runImport } from '../src/import/run.js';
import { DATASETS, needsDatasets, one, q, tempDir } from './helpers/lake.js';

type Reject = { file: string; loc: number; field: string; reason: string; got: string | null };
async function rejectsOf(path: string | null): Promise<Reject[]> {
  if (!path) return [];
  return (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Reject);
}

test('hetrec folder: exact counts and values, Latin-1 tags, user_friends skipped, second import adds 0', needsDatasets(), async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const folder = join(DATASETS, 'hetrec2011_lastfm_2k');
    const s = await runImport({ inputs: [folder], dataDir: dir });
    const by = Object.fromEntries(s.files.map((f) => [f.file.split('/').pop(), f]));
    assert.deepEqual(
      Object.fromEntries(s.files.map((f) => [f.file.split('/').pop(), [f.format, f.accepted, f.rejected]])),
      {
        'artists.dat': ['hetrec-artists', 17632, 0],
        'tags.dat': ['hetrec-tags', 11946, 0],
        'user_artists.dat': ['hetrec-user-artists', 92834, 0],
        'user_friends.dat': [null, 0, 0],
        'user_taggedartists.dat': ['hetrec-user-tagged-artists', 186479, 0],
      },
    );
    // No table holds friendships: skipped as unrecognised, not an error.
    assert.equal(by['user_friends.dat']!.skipped, 'not a format earshot recognises');
    assert.equal(by['user_friends.dat']!.error, undefined);
    assert.deepEqual(s.written, { artists: 17632, tags: 11946, play_counts: 92834, artist_tags: 186479 });

    // Readme counts: 1,892 users, 17,632 artists, 92,834 user-artist pairs, 11,946 tags, 186,479 tag assignments.
    assert.deepEqual((await q(dir, 'SELECT count(*) AS n, count(DISTINCT user_id) AS users, sum(plays) AS plays FROM play_counts'))[0], {
      n: 92834, users: 1892, plays: 69183975, // awk: sum of weight
    });
    assert.equal(await one(dir, 'SELECT count(*) FROM artists'), 17632);
    assert.equal(await one(dir, 'SELECT count(*) FROM tags'), 11946);
    assert.equal(await one(dir, 'SELECT count(*) FROM artist_tags'), 186479);
    assert.equal(await one(dir, 'SELECT count(DISTINCT user_id) FROM artist_tags'), 1892);

    // user_artists.dat line 2: 2 51 13883; the largest weight is 1642 72 352698; user 2 has 50 artists.
    assert.deepEqual((await q(dir, "SELECT user_id, item_kind, item_key, item_name, plays, source FROM play_counts WHERE user_id = '2' AND item_key = 'hetrec:artist:51'"))[0], {
      user_id: '2', item_kind: 'artist', item_key: 'hetrec:artist:51', item_name: null, plays: 13883, source: 'hetrec-user-artists',
    });
    assert.deepEqual((await q(dir, 'SELECT user_id, item_key, plays FROM play_counts ORDER BY plays DESC LIMIT 1'))[0], {
      user_id: '1642', item_key: 'hetrec:artist:72', plays: 352698,
    });
    assert.equal(await one(dir, "SELECT count(*) FROM play_counts WHERE user_id = '2'"), 50);

    // artists.dat: bare double quotes are text; 444 artists have no picture.
    assert.deepEqual((await q(dir, "SELECT name, url, picture_url FROM artists WHERE artist_key = 'hetrec:artist:1686'"))[0], {
      name: '"Weird Al" Yankovic', url: 'http://www.last.fm/music/%22Weird+Al%22+Yankovic', picture_url: 'http://userserve-ak.last.fm/serve/252/38457043.png',
    });
    assert.equal(await one(dir, "SELECT name FROM artists WHERE artist_key = 'hetrec:artist:51'"), 'Duran Duran');
    assert.equal(await one(dir, 'SELECT count(*) FROM artists WHERE picture_url IS NULL'), 444);

    // tags.dat is Latin-1: byte 0xDF in "fußball" (7982), 0xC4 in "die Ärzte" (11213); 8 tags are non-ASCII.
    assert.equal(await one(dir, "SELECT tag FROM tags WHERE tag_id = 'hetrec:tag:7982'"), 'fußball');
    assert.equal(await one(dir, "SELECT tag FROM tags WHERE tag_id = 'hetrec:tag:11213'"), 'die Ärzte');
    assert.equal(await one(dir, "SELECT count(*) FROM tags WHERE regexp_matches(tag, '[^\\x00-\\x7F]')"), 8);
    assert.equal(await one(dir, "SELECT count(*) FROM tags WHERE tag LIKE '%\uFFFD%'"), 0);

    // user_taggedartists.dat line 2: 2 52 13 1 4 2009; tag 13 joins tags.dat.
    assert.deepEqual(
      (await q(dir, `SELECT a.tagged_on::VARCHAR AS on, t.tag FROM artist_tags a JOIN tags t USING (tag_id)
        WHERE a.user_id = '2' AND a.artist_key = 'hetrec:artist:52' AND a.tag_id = 'hetrec:tag:13'`))[0],
      { on: '2009-04-01', tag: 'chillout' },
    );
    // Day 1 in 182,948 rows; implausible years kept as given (43 1395 39 1 6 1956); the latest is 2011-05-09.
    assert.equal(await one(dir, 'SELECT count(*) FROM artist_tags WHERE day(tagged_on) = 1'), 182948);
    assert.equal(await one(dir, 'SELECT count(*) FROM artist_tags WHERE year(tagged_on) < 2000'), 5);
    assert.equal(await one(dir, "SELECT tagged_on::VARCHAR FROM artist_tags WHERE user_id = '43' AND artist_key = 'hetrec:artist:1395' AND tag_id = 'hetrec:tag:39'"), '1956-06-01');
    assert.equal(await one(dir, 'SELECT max(tagged_on)::VARCHAR FROM artist_tags'), '2011-05-09');
    assert.equal(await one(dir, 'SELECT count(*) FROM artist_tags WHERE tag IS NOT NULL'), 0);

    const again = await runImport({ inputs: [folder], dataDir: dir });
    assert.equal(again.totals.accepted, 0);
    assert.equal(again.totals.duplicatesInLake, 17632 + 11946 + 92834 + 186479);
    assert.equal(await one(dir, 'SELECT count(*) FROM play_counts'), 92834);
    assert.equal(await one(dir, 'SELECT count(*) FROM artist_tags'), 186479);
  } finally {
    await cleanup();
  }
});

test('hetrec: bad rows are rejected with field and line; Latin-1 and UTF-8 tag files both decode', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const ua = join(dir, 'user_artists.dat');
    await writeFile(ua, ['userID\tartistID\tweight', '2\t51\t13883', '2\t52', 'x\t53\t10', '2\t54\tlots', '2\t55\t-3', '\t56\t1', '3\t51\t7'].join('\n') + '\n');
    const ut = join(dir, 'user_taggedartists.dat');
    await writeFile(
      ut,
      ['userID\tartistID\ttagID\tday\tmonth\tyear', '2\t52\t13\t1\t4\t2009', '2\t52\t15\t31\t2\t2009', '2\t52\t16\t1\t13\t2009', '2\t52\t17\t1\t4', '2\t52\tx\t1\t4\t2009', '2\t52\t18\t1\t4\t1956'].join('\n') + '\n',
    );
    const ar = join(dir, 'artists.dat');
    await writeFile(ar, ['id\tname\turl\tpictureURL', '51\tDuran Duran\thttp://www.last.fm/music/Duran+Duran\t', '52\t\thttp://x\t', 'abc\tMorcheeba\t\t'].join('\n') + '\n');
    const tl = join(dir, 'tags.dat');
    await writeFile(tl, Buffer.from('tagID\ttagValue\n7982\tfu\u00dfball\n11213\tdie \u00c4rzte\n99\t\n', 'latin1'));
    const tu = join(dir, 'tags-utf8.dat');
    await writeFile(tu, 'tagID\ttagValue\n2863\ttropicália\n', 'utf8');

    const data = join(dir, 'data');
    const s = await runImport({ inputs: [ua, ut, ar, tl, tu], dataDir: data });
    assert.deepEqual(s.files.map((f) => [f.file.split('/').pop(), f.format, f.accepted, f.rejected]), [
      ['user_artists.dat', 'hetrec-user-artists', 2, 5],
      ['user_taggedartists.dat', 'hetrec-user-tagged-artists', 2, 4],
      ['artists.dat', 'hetrec-artists', 1, 2],
      ['tags.dat', 'hetrec-tags', 2, 1],
      ['tags-utf8.dat', 'hetrec-tags', 1, 0],
    ]);
    const rej = await rejectsOf(s.rejectsFile);
    const of = (f: string) => rej.filter((r) => r.file === f).map((r) => [r.loc, r.field, r.got]);
    assert.deepEqual(of(ua), [[3, 'weight', null], [4, 'userID', 'x'], [5, 'weight', 'lots'], [6, 'plays', null], [7, 'userID', null]]);
    assert.deepEqual(of(ut), [[3, 'day', '31/2/2009'], [4, 'day', '1/13/2009'], [5, 'day', '1/4'], [6, 'tagID', 'x']]);
    assert.deepEqual(of(ar), [[3, 'name', null], [4, 'id', 'abc']]);
    assert.deepEqual(of(tl), [[4, 'tagValue', null]]);
    assert.match(rej.find((r) => r.file === ut && r.loc === 3)!.reason, /real date/);
    assert.deepEqual(await q(data, 'SELECT tag_id, tag FROM tags ORDER BY tag'), [
      { tag_id: 'hetrec:tag:11213', tag: 'die Ärzte' },
      { tag_id: 'hetrec:tag:7982', tag: 'fußball' },
      { tag_id: 'hetrec:tag:2863', tag: 'tropicália' },
    ]);
    assert.deepEqual(await q(data, 'SELECT tagged_on::VARCHAR AS d FROM artist_tags ORDER BY 1'), [{ d: '1956-04-01' }, { d: '2009-04-01' }]);
  } finally {
    await cleanup();
  }
});
