// Real-looking but invented names for artists, tracks, albums and podcast episodes, flavoured by genre.
// Everything is drawn from the caller's seeded Rng, so names are as deterministic as the rest.

import type { Rng } from './rng.js';

const ADJ = ['Velvet', 'Golden', 'Silver', 'Midnight', 'Electric', 'Neon', 'Crimson', 'Paper', 'Hollow', 'Quiet', 'Wild', 'Broken',
  'Lucky', 'Faded', 'Frozen', 'Burning', 'Gentle', 'Lonely', 'Restless', 'Sunday', 'Northern', 'Distant', 'Secret', 'Glass',
  'Iron', 'Cosmic', 'Tender', 'Violet', 'Amber', 'Bitter', 'Sweet', 'Blue', 'Scarlet', 'Lunar', 'Savage', 'Hidden', 'Endless',
  'Weightless', 'Salt', 'Copper', 'Static', 'Wandering', 'Last', 'First', 'Little', 'Heavy', 'Bright', 'Pale', 'Slow', 'Young'];
const NOUN = ['Owls', 'Rain', 'Hearts', 'Tide', 'Harbor', 'Lights', 'Wolves', 'Dreams', 'River', 'Summer', 'Echoes', 'Engines',
  'Ghosts', 'Roses', 'Satellites', 'Mirrors', 'Horses', 'Shadows', 'Kings', 'Sparrows', 'Canyons', 'Lanterns', 'Waves', 'Pilots',
  'Orchards', 'Storms', 'Islands', 'Bells', 'Foxes', 'Comets', 'Gardens', 'Rivals', 'Saints', 'Strangers', 'Machines', 'Birds'];
const SINGULAR = ['Heart', 'Night', 'Road', 'Fire', 'Ocean', 'Sky', 'Dream', 'City', 'Light', 'Moon', 'Love', 'Morning', 'Home',
  'Window', 'Shore', 'Memory', 'Highway', 'Garden', 'Signal', 'Season', 'Echo', 'Horizon', 'Letter', 'Mountain', 'Kingdom',
  'Storm', 'Mirror', 'Silence', 'Daylight', 'Weekend', 'Paradise', 'Afterglow', 'Skyline', 'Thunder', 'Tomorrow', 'Gravity'];
const VERB = ['Running', 'Falling', 'Dancing', 'Chasing', 'Waiting', 'Holding', 'Driving', 'Drifting', 'Breaking', 'Burning',
  'Calling', 'Dreaming', 'Fading', 'Singing', 'Shining', 'Losing', 'Finding', 'Leaving'];
const FIRST = ['Mara', 'Elena', 'Jonah', 'Lucas', 'Ava', 'Nina', 'Theo', 'Iris', 'Leon', 'Maya', 'Felix', 'Clara', 'Rosa', 'Oscar',
  'Ines', 'Hugo', 'Lena', 'Milo', 'Zoe', 'Eli', 'Sofia', 'Jude', 'Noa', 'Ruby', 'Kai', 'Anya', 'Marcus', 'Dara', 'Tomas', 'Yuki',
  'Priya', 'Mateo', 'Amara', 'Rafael', 'Selin', 'Emil', 'Lucia', 'Otis', 'Greta', 'Caleb'];
const LAST = ['Quinn', 'Varga', 'Holloway', 'Reyes', 'Sato', 'Lindqvist', 'Moreau', 'Okafor', 'Brandt', 'Castillo', 'Whitlock',
  'Novak', 'Ferreira', 'Hart', 'Kowalski', 'Marsh', 'Delacroix', 'Ashford', 'Bianchi', 'Nakamura', 'Sinclair', 'Abernathy',
  'Rowe', 'Kessler', 'Vance', 'Mendes', 'Laurent', 'Park', 'Eriksen', 'Calloway', 'Hale', 'Duarte', 'Winslow', 'Petrov'];
const RAP_PREFIX = ['Lil', 'Young', 'MC', 'Big', 'Yung', 'King', 'Lady'];
const DJ_PREFIX = ['DJ', 'Nova', 'Kid', 'Mr.', 'Sister'];
const ENSEMBLE = ['Quartet', 'Trio', 'Ensemble', 'Orchestra', 'Collective', 'Sextet'];
const KEYS = ['C', 'D', 'E-flat', 'E', 'F', 'G', 'A', 'B-flat', 'B', 'F-sharp'];
const FORMS = ['Sonata', 'Nocturne', 'Etude', 'Prelude', 'Concerto', 'Suite', 'Fantasia', 'Serenade', 'Waltz'];
const EPISODE = ['Behind the Song', 'The Making of', 'Interview:', 'Ten Albums That Shaped', 'Live Session:', 'Why We Still Love'];

const person = (r: Rng): string => `${r.pick(FIRST)} ${r.pick(LAST)}`;

/** An artist name in the style of its genre (index into GENRES). */
export function artistName(r: Rng, genre: number): string {
  const x = r.next();
  switch (genre) {
    case 2: // Hip-Hop
      return x < 0.55 ? `${r.pick(RAP_PREFIX)} ${r.pick(SINGULAR)}` : x < 0.8 ? person(r) : `${r.pick(ADJ)} ${r.pick(NOUN)}`;
    case 3: // Electronic
      return x < 0.45 ? `${r.pick(DJ_PREFIX)} ${r.pick(SINGULAR)}` : x < 0.75 ? `${r.pick(ADJ)} ${r.pick(SINGULAR)}` : person(r);
    case 6: // Jazz
      return x < 0.45 ? `The ${r.pick(LAST)} ${r.pick(ENSEMBLE)}` : person(r);
    case 7: // Classical
      return x < 0.6 ? person(r) : `${r.pick(ADJ)} ${r.pick(ENSEMBLE)}`;
    case 1: case 4: case 8: // Rock, Indie, Metal
      return x < 0.6 ? `The ${r.pick(ADJ)} ${r.pick(NOUN)}` : x < 0.85 ? `${r.pick(ADJ)} ${r.pick(SINGULAR)}` : person(r);
    case 10: // Folk
      return x < 0.6 ? person(r) : `The ${r.pick(NOUN)} & the ${r.pick(NOUN)}`;
    default: // Pop, R&B, Country, Ambient
      return x < 0.7 ? person(r) : x < 0.85 ? r.pick(FIRST) : `${r.pick(ADJ)} ${r.pick(NOUN)}`;
  }
}

/** A track title; a few contain commas or quotes so CSV quoting gets exercised. */
export function trackTitle(r: Rng, genre: number): string {
  if (genre === 7) {
    const n = 1 + r.int(24);
    const tail = r.chance(0.5) ? `, Op. ${10 + r.int(90)}` : '';
    return `${r.pick(FORMS)} No. ${n} in ${r.pick(KEYS)} ${r.chance(0.55) ? 'major' : 'minor'}${tail}`;
  }
  const x = r.next();
  let t: string;
  if (x < 0.25) t = `${r.pick(ADJ)} ${r.pick(SINGULAR)}`;
  else if (x < 0.4) t = `${r.pick(VERB)} ${r.pick(SINGULAR)}`;
  else if (x < 0.52) t = `${r.pick(SINGULAR)} of ${r.pick(NOUN)}`;
  else if (x < 0.64) t = `The ${r.pick(SINGULAR)}`;
  else if (x < 0.74) t = r.pick(SINGULAR);
  else if (x < 0.82) t = `${r.pick(VERB)} ${r.pick(['Home', 'Away', 'Back', 'Under', 'Slow', 'Again'])}`;
  else if (x < 0.9) t = `${r.pick(ADJ)} ${r.pick(NOUN)}`;
  else if (x < 0.95) t = `${r.pick(SINGULAR)} (${r.pick(['Acoustic', 'Live', 'Remix', 'Radio Edit', 'Demo'])})`;
  else if (x < 0.98) t = `Oh, ${r.pick(FIRST)}`;
  else t = `"${r.pick(SINGULAR)}" Again`;
  return t;
}

export function albumTitle(r: Rng, genre: number): string {
  if (genre === 7) return `${r.pick(FORMS)}s and ${r.pick(FORMS)}s`;
  const x = r.next();
  if (x < 0.35) return `${r.pick(ADJ)} ${r.pick(NOUN)}`;
  if (x < 0.6) return `${r.pick(SINGULAR)}`;
  if (x < 0.8) return `The ${r.pick(ADJ)} ${r.pick(SINGULAR)}`;
  return `${r.pick(NOUN)} & ${r.pick(NOUN)}`;
}

export function episodeTitle(r: Rng, n: number): string {
  return `Ep. ${n}: ${r.pick(EPISODE)} ${r.pick(ADJ)} ${r.pick(SINGULAR)}`;
}
