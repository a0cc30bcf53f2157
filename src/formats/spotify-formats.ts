// The Spotify formats, in the order detection tries them: listening histories, then catalogues.
import { spotifyFeatures, spotifyTracks } from './spotify-catalogue.js';
import { spotifyAccount, spotifyExtended } from './spotify-history.js';
import type { Format } from './types.js';

export const SPOTIFY_FORMATS: readonly Format[] = [spotifyExtended, spotifyAccount, spotifyTracks, spotifyFeatures];
