// The seed systems' CSV pair: listening_logs.csv (user_id,song_id,timestamp,duration_sec) and
// songs_metadata.csv (song_id,title,artist,genre,mood, plus optional extra catalogue columns that
// earshot's generator writes). Timestamps without a zone are UTC.
import { csvHeader, sampleLine } from './readers.js';
import { int, isoTs, num, parses, required, requiredParses, str } from './sql.js';
import type { Format } from './types.js';

const headerOf = (head: string): string[] => csvHeader(sampleLine(head, 0)).map((h) => h.toLowerCase());

function startsWith(head: string, cols: readonly string[]): boolean {
  const h = headerOf(head);
  return cols.every((c, i) => h[i] === c);
}

export const seedListens: Format = {
  name: 'seed-listens',
  description: 'listening_logs.csv: user_id,song_id,timestamp,duration_sec (timestamps without zone are UTC)',
  detect: (s) => (startsWith(s.head, ['user_id', 'song_id', 'timestamp', 'duration_sec']) ? 1 : 0),
  reader: () => ({ kind: 'csv', header: true }),
  outputs: () => [
    {
      table: 'listens',
      map: {
        user_id: str('user_id'),
        listened_at: isoTs('timestamp'),
        song_id: str('song_id'),
        ms_played: `round(${num('duration_sec')} * 1000)`,
        action: `'play'`,
      },
      checks: [
        required('song_id', 'a song id'),
        requiredParses('timestamp', isoTs('timestamp'), 'a time like 2025-03-20 14:05:00 (UTC when no zone is given)'),
        parses('duration_sec', num('duration_sec'), 'seconds played, a number'),
      ],
    },
  ],
};

/** Extra catalogue columns songs_metadata.csv may carry, and how each is read. */
const EXTRA: Record<string, (col: string) => string> = {
  album: str,
  duration_ms: int,
  popularity: num,
  release_date: str,
  danceability: num,
  energy: num,
  valence: num,
  tempo: num,
  acousticness: num,
  instrumentalness: num,
  speechiness: num,
  liveness: num,
  loudness: num,
  key: int,
  mode: int,
  spotify_id: str,
};

export const seedSongs: Format = {
  name: 'seed-songs',
  description: 'songs_metadata.csv: song_id,title,artist,genre,mood (+ optional audio-feature columns)',
  detect: (s) => (startsWith(s.head, ['song_id', 'title', 'artist', 'genre', 'mood']) ? 1 : 0),
  reader: () => ({ kind: 'csv', header: true }),
  outputs: (sample) => {
    const header = new Set(headerOf(sample.head));
    const map: Record<string, string> = {
      song_id: str('song_id'),
      track_key: `'song:' || ${str('song_id')}`,
      title: str('title'),
      artist_name: str('artist'),
      genre: str('genre'),
      mood: str('mood'),
    };
    for (const [col, read] of Object.entries(EXTRA)) {
      if (header.has(col)) map[col === 'album' ? 'album_name' : col] = read(col);
    }
    return [{ table: 'tracks', map, checks: [required('song_id', 'a song id')] }];
  },
};
