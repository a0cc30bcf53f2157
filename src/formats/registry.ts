// Every input format earshot knows, and detection: each format scores a file's first bytes and the
// best score wins. `--format NAME` skips detection.
import { seedListens, seedSongs } from './seed.js';
import { SPOTIFY_FORMATS } from './spotify-formats.js';
// [anchor:spotify-imports]
import { LISTENBRAINZ_FORMATS } from './listenbrainz-formats.js';
// [anchor:listenbrainz-imports]
import { EVENT_FORMATS } from './events.js';
// [anchor:events-imports]
import type { Format, Sample } from './types.js';

export const FORMATS: readonly Format[] = [
  seedListens,
  seedSongs,
  ...SPOTIFY_FORMATS,
  // [anchor:spotify-formats]
  ...LISTENBRAINZ_FORMATS,
  // [anchor:listenbrainz-formats]
  ...EVENT_FORMATS,
  // [anchor:events-formats]
];

export function formatByName(name: string): Format | undefined {
  return FORMATS.find((f) => f.name === name);
}

/** The format that recognises the sample best, or undefined when none does. */
export function detectFormat(sample: Sample): Format | undefined {
  let best: Format | undefined;
  let score = 0;
  for (const f of FORMATS) {
    let s: number;
    try {
      s = f.detect(sample);
    } catch {
      s = 0;
    }
    if (s > score) {
      score = s;
      best = f;
    }
  }
  return best;
}
