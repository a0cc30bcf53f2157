// Writes the catalogue beside the listens: songs_metadata.csv (seed layout plus audio features)
// and tracks.csv in the layout of the Spotify 114k-tracks dataset.

import { join } from 'node:path';
import type { Catalogue } from './catalogue.js';
import { ChunkWriter, csv } from './out.js';
import { GENRES, GENRE_SLUGS, MOODS } from './vocab.js';

export const SONGS_METADATA_HEADER = 'song_id,title,artist,genre,mood,album,duration_ms,popularity,release_date,danceability,energy,valence,'
  + 'tempo,acousticness,instrumentalness,speechiness,liveness,loudness,key,mode,spotify_id';
export const SPOTIFY_TRACKS_HEADER = ',track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,'
  + 'loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre';

async function writeRows(path: string, header: string, count: number, row: (t: number) => string): Promise<string> {
  const w = new ChunkWriter(path);
  w.add(header + '\n');
  for (let t = 0; t < count; t++) {
    w.add(row(t) + '\n');
    if (w.full) await w.flush();
  }
  await w.close();
  return path;
}

export function writeSongsMetadata(out: string, c: Catalogue): Promise<string> {
  return writeRows(join(out, 'songs_metadata.csv'), SONGS_METADATA_HEADER, c.count, (t) => [
    `song_${t + 1}`, csv(c.title[t] as string), csv(c.artistName[c.artistOf[t] as number] as string), csv(GENRES[c.genre[t] as number] as string),
    MOODS[c.mood[t] as number], csv(c.albumName[c.albumOf[t] as number] as string), c.durationMs[t], c.popularity[t],
    c.albumDate[c.albumOf[t] as number], c.danceability[t], c.energy[t], c.valence[t], c.tempo[t], c.acousticness[t],
    c.instrumentalness[t], c.speechiness[t], c.liveness[t], c.loudness[t], c.key[t], c.mode[t], c.spotifyId[t],
  ].join(','));
}

export function writeSpotifyTracks(out: string, c: Catalogue): Promise<string> {
  return writeRows(join(out, 'tracks.csv'), SPOTIFY_TRACKS_HEADER, c.count, (t) => [
    t, c.spotifyId[t], csv(c.artistName[c.artistOf[t] as number] as string), csv(c.albumName[c.albumOf[t] as number] as string),
    csv(c.title[t] as string), c.popularity[t], c.durationMs[t], c.explicit[t] ? 'True' : 'False', c.danceability[t], c.energy[t],
    c.key[t], c.loudness[t], c.mode[t], c.speechiness[t], c.acousticness[t], c.instrumentalness[t], c.liveness[t], c.valence[t],
    c.tempo[t], c.timeSignature[t], GENRE_SLUGS[c.genre[t] as number],
  ].join(','));
}
