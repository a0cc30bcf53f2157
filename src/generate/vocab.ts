// The fixed vocabulary of the synthetic world: genres with their sound, moods, places, devices and
// listening rhythms. Tables only; the generators in this folder draw from them.

export const GENRES = ['Pop', 'Rock', 'Hip-Hop', 'Electronic', 'Indie', 'R&B', 'Jazz', 'Classical', 'Metal', 'Country', 'Folk', 'Ambient'] as const;
/** Slugs as the Spotify 114k dataset spells its track_genre column. */
export const GENRE_SLUGS = ['pop', 'rock', 'hip-hop', 'electronic', 'indie', 'r-n-b', 'jazz', 'classical', 'metal', 'country', 'folk', 'ambient'] as const;
/** Share of artists (and so of tracks) per genre: deliberately far from uniform. */
export const GENRE_WEIGHTS = [0.2, 0.13, 0.14, 0.1, 0.08, 0.08, 0.05, 0.04, 0.04, 0.06, 0.04, 0.04];

export const MOODS = ['Happy', 'Sad', 'Energetic', 'Chill'] as const;
export const HAPPY = 0;
export const SAD = 1;
export const ENERGETIC = 2;
export const CHILL = 3;

/** P(mood | genre), columns in MOODS order. */
export const GENRE_MOODS: readonly (readonly number[])[] = [
  [0.5, 0.15, 0.25, 0.1], [0.25, 0.15, 0.5, 0.1], [0.3, 0.1, 0.5, 0.1], [0.3, 0.05, 0.5, 0.15],
  [0.3, 0.3, 0.15, 0.25], [0.3, 0.25, 0.15, 0.3], [0.25, 0.2, 0.1, 0.45], [0.15, 0.35, 0.1, 0.4],
  [0.05, 0.2, 0.7, 0.05], [0.45, 0.3, 0.15, 0.1], [0.3, 0.35, 0.05, 0.3], [0.1, 0.2, 0.0, 0.7],
];

/** Valence and energy ranges per mood: happy high/high, sad low/low, energetic dark and loud, chill calm and warm. */
export const MOOD_VALENCE: readonly (readonly [number, number])[] = [[0.6, 0.95], [0.05, 0.38], [0.1, 0.5], [0.5, 0.85]];
export const MOOD_ENERGY: readonly (readonly [number, number])[] = [[0.6, 0.95], [0.05, 0.42], [0.68, 0.99], [0.1, 0.45]];

export interface GenreSound {
  readonly acoustic: number; // mean acousticness
  readonly instrumental: number; // mean instrumentalness
  readonly speech: number; // mean speechiness
  readonly dance: number; // mean danceability
  readonly tempo: readonly [number, number];
  readonly durationS: number; // median track length
  readonly explicit: number; // share of explicit tracks
  readonly live: number; // share of live recordings
}

const g = (acoustic: number, instrumental: number, speech: number, dance: number, tempo: [number, number], durationS: number, explicit: number, live: number): GenreSound =>
  ({ acoustic, instrumental, speech, dance, tempo, durationS, explicit, live });

/** Audio character per genre, in GENRES order. */
export const GENRE_SOUND: readonly GenreSound[] = [
  g(0.2, 0.02, 0.07, 0.68, [95, 130], 200, 0.12, 0.04),
  g(0.12, 0.05, 0.05, 0.5, [100, 160], 235, 0.08, 0.1),
  g(0.12, 0.01, 0.28, 0.75, [80, 150], 205, 0.45, 0.05),
  g(0.05, 0.6, 0.06, 0.72, [118, 140], 250, 0.05, 0.03),
  g(0.35, 0.12, 0.05, 0.55, [90, 140], 225, 0.08, 0.06),
  g(0.25, 0.02, 0.1, 0.68, [70, 110], 215, 0.25, 0.04),
  g(0.75, 0.55, 0.05, 0.52, [80, 180], 300, 0.01, 0.2),
  g(0.95, 0.9, 0.04, 0.28, [60, 140], 330, 0.0, 0.15),
  g(0.02, 0.12, 0.08, 0.4, [110, 190], 270, 0.2, 0.08),
  g(0.55, 0.02, 0.04, 0.6, [85, 130], 205, 0.03, 0.06),
  g(0.85, 0.08, 0.04, 0.5, [80, 125], 230, 0.02, 0.1),
  g(0.7, 0.92, 0.04, 0.25, [60, 100], 360, 0.0, 0.02),
];

export interface City { readonly name: string; readonly tzHours: number }
export interface Country { readonly code: string; readonly weight: number; readonly cities: readonly City[] }

const cities = (...xs: [string, number][]): City[] => xs.map(([name, tzHours]) => ({ name, tzHours }));

/** Fifteen countries (ISO 3166 alpha-2) with three cities each and a standard-time UTC offset. */
export const COUNTRIES: readonly Country[] = [
  { code: 'US', weight: 22, cities: cities(['New York', -5], ['Los Angeles', -8], ['Chicago', -6]) },
  { code: 'GB', weight: 8, cities: cities(['London', 0], ['Manchester', 0], ['Glasgow', 0]) },
  { code: 'DE', weight: 8, cities: cities(['Berlin', 1], ['Hamburg', 1], ['Munich', 1]) },
  { code: 'BR', weight: 8, cities: cities(['São Paulo', -3], ['Rio de Janeiro', -3], ['Belo Horizonte', -3]) },
  { code: 'IN', weight: 7, cities: cities(['Mumbai', 5.5], ['Delhi', 5.5], ['Bengaluru', 5.5]) },
  { code: 'FR', weight: 6, cities: cities(['Paris', 1], ['Lyon', 1], ['Marseille', 1]) },
  { code: 'MX', weight: 6, cities: cities(['Mexico City', -6], ['Guadalajara', -6], ['Monterrey', -6]) },
  { code: 'JP', weight: 6, cities: cities(['Tokyo', 9], ['Osaka', 9], ['Sapporo', 9]) },
  { code: 'ES', weight: 5, cities: cities(['Madrid', 1], ['Barcelona', 1], ['Valencia', 1]) },
  { code: 'CA', weight: 4, cities: cities(['Toronto', -5], ['Vancouver', -8], ['Montreal', -5]) },
  { code: 'AU', weight: 4, cities: cities(['Sydney', 10], ['Melbourne', 10], ['Perth', 8]) },
  { code: 'IT', weight: 4, cities: cities(['Rome', 1], ['Milan', 1], ['Naples', 1]) },
  { code: 'KR', weight: 4, cities: cities(['Seoul', 9], ['Busan', 9], ['Incheon', 9]) },
  { code: 'SE', weight: 3, cities: cities(['Stockholm', 1], ['Gothenburg', 1], ['Malmö', 1]) },
  { code: 'NL', weight: 3, cities: cities(['Amsterdam', 1], ['Rotterdam', 1], ['Utrecht', 1]) },
];

export const DEVICES = ['android', 'ios', 'windows', 'macos', 'web', 'speaker'] as const;
export const DEVICE_WEIGHTS = [30, 30, 14, 10, 9, 7];
/** How each device shows up in a Spotify export's `platform` field. */
export const SPOTIFY_PLATFORMS = ['android', 'ios', 'windows', 'osx', 'web_player', 'partner sonos_one'];

/**
 * Daily rhythms, local time: relative listening intensity per hour 0..23 on weekdays and on weekends.
 * Some users are early birds, some night owls; commuters peak around work hours.
 */
export interface Rhythm { readonly name: string; readonly weight: number; readonly weekday: readonly number[]; readonly weekend: readonly number[] }

export const RHYTHMS: readonly Rhythm[] = [
  { name: 'early-bird', weight: 15,
    weekday: [0, 0, 0, 0, 1, 4, 8, 9, 8, 5, 4, 4, 5, 4, 3, 3, 4, 5, 4, 3, 2, 1, 0, 0],
    weekend: [0, 0, 0, 0, 0, 2, 5, 8, 8, 7, 6, 5, 5, 4, 4, 4, 4, 4, 4, 3, 2, 1, 0, 0] },
  { name: 'commuter', weight: 30,
    weekday: [0, 0, 0, 0, 0, 1, 3, 8, 9, 4, 3, 3, 4, 3, 3, 3, 4, 8, 9, 5, 4, 3, 2, 1],
    weekend: [1, 0, 0, 0, 0, 0, 0, 1, 2, 4, 5, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 4, 3, 2] },
  { name: 'evening', weight: 25,
    weekday: [1, 0, 0, 0, 0, 0, 1, 2, 2, 1, 1, 1, 2, 1, 1, 2, 3, 5, 7, 8, 9, 8, 6, 3],
    weekend: [2, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 6, 7, 8, 8, 9, 8, 6, 4] },
  { name: 'night-owl', weight: 15,
    weekday: [8, 7, 5, 3, 1, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 3, 3, 4, 5, 6, 8, 9, 9],
    weekend: [9, 9, 7, 5, 3, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9, 9] },
  { name: 'weekender', weight: 15,
    weekday: [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2, 1, 0],
    weekend: [3, 2, 1, 0, 0, 0, 0, 1, 3, 6, 8, 9, 9, 9, 9, 9, 9, 9, 9, 9, 8, 7, 6, 4] },
];

export const PODCAST_SHOWS = ['The Daily Groove', 'Liner Notes', 'Track by Track', 'Deep Cuts Radio', 'Studio Stories', 'The Mixdown'];
