// Track and listen identities: the TypeScript and SQL spellings agree, and match hand-computed md5s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenId, listenIdSql, trackKey, trackKeySql } from '../src/model/keys.js';
import { openDb, lit } from '../src/util/db.js';

test('listenId matches md5 computed independently (python hashlib)', () => {
  assert.equal(listenId('u1', 0, 'song:s1'), 'b1883a3f838b67c8');
  assert.equal(listenId('user_7', 1742428860000, 'spotify:track:4uLU6hMCjMI75M1A2tKUQC'), '1060fabe5323c8c2');
});

test('trackKey prefers spotify uri, then isrc, mbid, song id, then names', () => {
  assert.equal(trackKey({ spotify_track_uri: 'spotify:track:abc', isrc: 'x', song_id: 's' }), 'spotify:track:abc');
  assert.equal(trackKey({ isrc: ' usabc1234567 ', song_id: 's' }), 'isrc:USABC1234567');
  assert.equal(trackKey({ recording_mbid: 'ABC-D', song_id: 's' }), 'mbid:abc-d');
  assert.equal(trackKey({ song_id: 'song_1', track_name: 'x' }), 'song:song_1');
  assert.equal(trackKey({ artist_name: '  The   Beatles ', track_name: 'Let It Be' }), 'name:the beatles — let it be');
  assert.equal(trackKey({ artist_name: 'x' }), null);
});

test('SQL and TypeScript spell the same keys and ids', async () => {
  const cases = [
    { spotify_track_uri: 'spotify:track:abc', song_id: 's' },
    { isrc: 'usabc1234567' },
    { recording_mbid: 'ABC-D' },
    { song_id: 'song_42' },
    { artist_name: 'Sigur  Rós', track_name: ' Hoppípolla ' },
    { artist_name: 'ÉDITH Piaf', track_name: 'Non, je ne regrette rien' },
    { artist_name: null, track_name: 'Untitled' },
    { artist_name: 'Nobody' },
  ];
  const db = await openDb();
  try {
    for (const [i, c] of cases.entries()) {
      const v = (k: keyof typeof c) => (c[k] === undefined || c[k] === null ? 'NULL::VARCHAR' : lit(c[k] as string));
      const sql = `SELECT ${trackKeySql((n) => v(n as keyof typeof c))} AS k`;
      const got = (await db.conn.runAndReadAll(sql)).getRows()[0]?.[0] ?? null;
      assert.equal(got, trackKey(c), `case ${i}`);
      if (got !== null) {
        const ms = 1742428860123 + i;
        const id = (await db.conn.runAndReadAll(`SELECT ${listenIdSql("'user_1'", `make_timestamptz(${ms}::BIGINT * 1000)`, lit(String(got)))}`)).getRows()[0]?.[0];
        assert.equal(id, listenId('user_1', ms, String(got)), `id ${i}`);
      }
    }
  } finally {
    db.close();
  }
});

test('the fast ISO time reading equals DuckDB zone-aware cast', async () => {
  const { isoText } = await import('../src/formats/sql.js');
  const values = [
    '2026-01-01T08:03:12.345Z', '2026-01-01T08:03:12+02:00', '2026-01-01T08:03:12.5-05:00', '2026-01-01 08:03:12',
    '2026-01-01', '2026-01-01T08:03:12.345+0530', '2026-13-45 25:00:00', 'garbage', '2026-02-30T00:00:00Z', '1999-12-31 23:59:59.999',
  ];
  const db = await openDb();
  try {
    for (const v of values) {
      const [fast, zoned] = (await db.conn.runAndReadAll(`SELECT epoch_us(${isoText(lit(v))}), epoch_us(TRY_CAST(${lit(v)} AS TIMESTAMPTZ))`)).getRows()[0]!;
      assert.equal(fast, zoned, v);
    }
  } finally {
    db.close();
  }
});
