// HetRec 2011 Last.fm 2K (GroupLens): tab-separated files with a header row, no quoting (artist names
// such as `"Weird Al" Yankovic` hold bare double quotes, so quotes are read as text).
// - user_artists.dat (userID, artistID, weight) -> play_counts: weight is the user's play count of the
//   artist; there are no timestamps. item_name stays NULL (names live in artists.dat).
// - artists.dat (id, name, url, pictureURL) -> artists.
// - tags.dat (tagID, tagValue) -> tags. The file is ISO-8859-1 (Latin-1): it is read as Latin-1 unless
//   its first 64 KiB are valid UTF-8 with non-ASCII text in them (a re-encoded copy).
// - user_taggedartists.dat (userID, artistID, tagID, day, month, year) -> artist_tags, tagged_on =
//   the date given (most rows are day 1: month precision). Implausible years (1956) are kept as given;
//   dates that do not exist (31 February) are rejected. artist_tags.tag stays NULL: the text is in
//   tags, joined on tag_id.
// user_friends.dat is not read (earshot has no table for friendships); in a folder it is skipped.
// Identities: artists hetrec:artist:<id>, tags hetrec:tag:<id>; user ids are HetRec's numbers as text.
// No listens come from HetRec: it has no times of play.
import { readFileSync } from 'node:fs';
import { sampleLine } from './readers.js';
import { q, required, str } from './sql.js';
import type { Check, Format, ReaderSpec, Sample } from './types.js';

/** The file's header, exactly (tab-separated). */
const headerIs = (head: string, cols: readonly string[]): boolean => sampleLine(head.replace(/^\uFEFF/, ''), 0) === cols.join('\t');

const tsv = (encoding: 'utf-8' | 'latin-1' = 'utf-8'): ReaderSpec => ({ kind: 'csv', header: true, delim: '\t', quote: '', encoding });

/** A whole number as text ('051' -> '51'); NULL when the raw value is not one. */
const idSql = (col: string): string => `CAST(TRY_CAST(${str(col)} AS BIGINT) AS VARCHAR)`;

/** A check that an id column is present and a whole number. */
const idCheck = (col: string, what: string): Check => ({
  field: col,
  bad: `NOT coalesce(regexp_full_match(${str(col)}, '-?[0-9]+'), false)`,
  expected: `${col}, the ${what} (a whole number)`,
  got: q(col),
});

export const hetrecArtistKey = (col: string): string => `'hetrec:artist:' || ${idSql(col)}`;
export const hetrecTagId = (col: string): string => `'hetrec:tag:' || ${idSql(col)}`;

export const hetrecUserArtists: Format = {
  name: 'hetrec-user-artists',
  description: 'HetRec Last.fm 2K user_artists.dat: userID, artistID, weight (play count), tab-separated',
  detect: (s) => (headerIs(s.head, ['userID', 'artistID', 'weight']) ? 1 : 0),
  reader: () => tsv(),
  outputs: () => [
    {
      table: 'play_counts',
      map: {
        user_id: idSql('userID'),
        item_kind: `'artist'`,
        item_key: hetrecArtistKey('artistID'),
        plays: `TRY_CAST(${str('weight')} AS BIGINT)`,
      },
      checks: [
        idCheck('userID', 'user id'),
        idCheck('artistID', 'artist id'),
        { field: 'weight', bad: `TRY_CAST(${str('weight')} AS BIGINT) IS NULL`, expected: 'weight, a play count (a whole number)', got: q('weight') },
      ],
    },
  ],
};

export const hetrecArtists: Format = {
  name: 'hetrec-artists',
  description: 'HetRec Last.fm 2K artists.dat: id, name, url, pictureURL, tab-separated',
  detect: (s) => (headerIs(s.head, ['id', 'name', 'url', 'pictureURL']) ? 1 : 0),
  reader: () => tsv(),
  outputs: () => [
    {
      table: 'artists',
      map: {
        artist_key: hetrecArtistKey('id'),
        name: str('name'),
        url: str('url'),
        picture_url: str('pictureURL'),
      },
      checks: [idCheck('id', 'artist id'), required('name', 'an artist name')],
    },
  ],
};

/** Latin-1 (as distributed) unless the sample is UTF-8 with non-ASCII text in it. */
/** UTF-8 when the whole file is valid UTF-8, else Latin-1 (read as Windows-1252, its superset). */
function tagsEncoding(s: Sample): 'utf-8' | 'latin-1' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(s.path));
    return 'utf-8';
  } catch {
    return 'latin-1';
  }
}

export const hetrecTags: Format = {
  name: 'hetrec-tags',
  description: 'HetRec Last.fm 2K tags.dat: tagID, tagValue, tab-separated, ISO-8859-1',
  detect: (s) => (headerIs(s.head, ['tagID', 'tagValue']) ? 1 : 0),
  reader: (s) => tsv(tagsEncoding(s)),
  outputs: () => [
    {
      table: 'tags',
      map: { tag_id: hetrecTagId('tagID'), tag: str('tagValue') },
      checks: [idCheck('tagID', 'tag id'), required('tagValue', 'the tag text')],
    },
  ],
};

const taggedOn = `try(make_date(TRY_CAST(${str('year')} AS BIGINT), TRY_CAST(${str('month')} AS BIGINT), TRY_CAST(${str('day')} AS BIGINT)))`;

export const hetrecUserTaggedArtists: Format = {
  name: 'hetrec-user-tagged-artists',
  description: 'HetRec Last.fm 2K user_taggedartists.dat: userID, artistID, tagID, day, month, year, tab-separated',
  detect: (s) => (headerIs(s.head, ['userID', 'artistID', 'tagID', 'day', 'month', 'year']) ? 1 : 0),
  reader: () => tsv(),
  outputs: () => [
    {
      table: 'artist_tags',
      map: {
        user_id: idSql('userID'),
        artist_key: hetrecArtistKey('artistID'),
        tag_id: hetrecTagId('tagID'),
        tagged_on: taggedOn,
      },
      checks: [
        idCheck('userID', 'user id'),
        idCheck('artistID', 'artist id'),
        idCheck('tagID', 'tag id'),
        {
          field: 'day',
          bad: `${taggedOn} IS NULL`,
          expected: 'day, month and year forming a real date',
          got: `concat_ws('/', ${q('day')}, ${q('month')}, ${q('year')})`,
        },
      ],
    },
  ],
};

export const HETREC_FORMATS: readonly Format[] = [hetrecUserArtists, hetrecArtists, hetrecTags, hetrecUserTaggedArtists];
