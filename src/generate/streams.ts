// Names for the independent random streams of the generator. Keeping them apart means, for example,
// that turning on dirty rows or adding users never changes the catalogue.

export const STREAM = {
  catalogue: 1,
  spotifyId: 2,
  user: 3,
  engine: 4,
  dirty: 5,
  episodes: 6,
} as const;
