// Play-event streams (events-ndjson, events-csv): one record per play with the fields
// event_id,event_ts,user_id,song_id,artist_id,action,device,location,song_duration,session_id.
//
// Mapping: each event is ONE row of `listens`. An event reports one play and `action` is its outcome
// (complete = played to the end, skip = ended early by the user, pause = ended while paused,
// play = outcome unknown or still going), like one row of Spotify's own log, so plays, skips and
// completions count the same way for every source (plays = rows, skip rate = skip rows / rows).
// - listened_at = event_ts, the START of the play: ISO-8601 (UTC when no zone) or a Unix number whose
//   unit is decided by magnitude (< 1e11 seconds, < 1e14 milliseconds, < 1e17 µs, else ns).
// - ms_played = song_duration × 1000 for `complete`, NULL otherwise: song_duration is the track's
//   length in seconds, not the time played, so only a completed play tells how long it played.
// - action = lower(trim(action)); an action other than play, pause, skip, complete is rejected (as is
//   a missing one); skipped = (action = 'skip').
// - platform = device; location "City, CC" -> city + country, a bare 2-letter code -> country only,
//   anything else -> city.
// - song_id, artist_id, session_id kept; track_key = song:<song_id>.
// - event_id is not kept: the listen_id comes from (user, time, track), so an event re-sent with the
//   same user, time and song is a duplicate even under a new event_id (the first one wins).
// - user_id may be missing only when --user is given (it fills the gap); otherwise such a row is rejected.
import { lit } from '../util/db.js';
import { num, q, required, requiredParses, str } from './sql.js';
import { actionCheck, actionOf, anyTime, cityOf, countryOf, csvColumns, csvKeys, findColumn, headObjects, TIME_EXPECTED } from './generic-sql.js';
import type { Check, Format, FormatOptions, JsonField, OutputSpec } from './types.js';

import { canonicalCsv, canonicalNdjson, canonicalParquet } from './canonical.js';
import { genericCsv, genericNdjson, genericParquet } from './generic.js';

export const EVENT_FIELDS = [
  'event_id',
  'event_ts',
  'user_id',
  'song_id',
  'artist_id',
  'action',
  'device',
  'location',
  'song_duration',
  'session_id',
] as const;
type EventField = (typeof EVENT_FIELDS)[number];

/** The listens output of an event stream; `raw(f)` is the raw column holding field f, if the file has it. */
function eventOutputs(raw: (f: EventField) => string | undefined, opts: FormatOptions): OutputSpec[] {
  const col = (f: EventField, read: (c: string) => string): string => {
    const c = raw(f);
    return c === undefined ? 'NULL' : read(c);
  };
  const action = col('action', actionOf);
  const seconds = col('song_duration', num);
  const user = col('user_id', str);
  const checks: Check[] = [];
  const ts = raw('event_ts');
  checks.push(
    ts === undefined
      ? { field: 'event_ts', bad: 'true', expected: `an event_ts column: ${TIME_EXPECTED}` }
      : { ...requiredParses(ts, anyTime(ts), TIME_EXPECTED), field: 'event_ts' },
  );
  const song = raw('song_id');
  checks.push(song === undefined ? { field: 'song_id', bad: 'true', expected: 'a song_id column' } : { ...required(song, 'a song id'), field: 'song_id' });
  const act = raw('action');
  checks.push(act === undefined ? { field: 'action', bad: 'true', expected: 'an action column' } : { ...actionCheck(act, true), field: 'action' });
  const dur = raw('song_duration');
  if (dur !== undefined) {
    checks.push({
      field: 'song_duration',
      bad: `${str(dur)} IS NOT NULL AND (${seconds} IS NULL OR NOT isfinite(${seconds}) OR ${seconds} < 0)`,
      expected: 'the track length in seconds, a number of 0 or more',
      got: q(dur),
    });
  }
  return [
    {
      table: 'listens',
      map: {
        user_id: opts.user !== undefined ? `coalesce(${user}, ${lit(opts.user)})` : user,
        listened_at: ts === undefined ? 'NULL::TIMESTAMPTZ' : anyTime(ts),
        song_id: col('song_id', str),
        artist_id: col('artist_id', str),
        session_id: col('session_id', str),
        action,
        skipped: `(${action} = 'skip')`,
        ms_played: `CASE WHEN ${action} = 'complete' THEN TRY_CAST(round(${seconds} * 1000) AS BIGINT) END`,
        platform: col('device', str),
        city: col('location', cityOf),
        country: col('location', countryOf),
      },
      checks,
    },
  ];
}

const ID: JsonField['types'] = ['string', 'number'];
const JSON_FIELDS: Record<EventField, JsonField> = {
  event_id: { path: '$.event_id', types: ID },
  event_ts: { path: '$.event_ts', types: ['string', 'number'] },
  user_id: { path: '$.user_id', types: ID },
  song_id: { path: '$.song_id', types: ID },
  artist_id: { path: '$.artist_id', types: ID },
  action: { path: '$.action', types: ['string'] },
  device: { path: '$.device', types: ['string'] },
  location: { path: '$.location', types: ['string'] },
  song_duration: { path: '$.song_duration', types: ['number', 'string'] },
  session_id: { path: '$.session_id', types: ID },
};

export const eventsNdjson: Format = {
  name: 'events-ndjson',
  description: 'play events, one JSON object a line: event_id,event_ts,user_id,song_id,artist_id,action,device,location,song_duration,session_id',
  detect: (s) => {
    const first = headObjects(s.head, 1)[0];
    if (!first) return 0;
    const has = (k: string): boolean => k in first;
    if (has('event_ts') && has('action')) return has('user_id') ? 1 : 0.9;
    return 0;
  },
  reader: () => ({ kind: 'ndjson', fields: JSON_FIELDS }),
  outputs: (_s, opts) => eventOutputs((f) => f, opts),
};

export const eventsCsv: Format = {
  name: 'events-csv',
  description: 'play events as CSV with a header: event_id,event_ts,user_id,song_id,artist_id,action,device,location,song_duration,session_id (any order)',
  detect: (s) => {
    const h = csvKeys(s.head);
    if (h.has('event_ts') && h.has('action')) return h.has('user_id') ? 1 : 0.9;
    return 0;
  },
  reader: () => ({ kind: 'csv', header: true }),
  outputs: (s, opts) => {
    const header = csvColumns(s.head);
    return eventOutputs((f) => findColumn(header, f), opts);
  },
};

/** The formats of this area, for the registry: event streams, canonical files, generic mapped files. */
export const EVENT_FORMATS: readonly Format[] = [
  eventsNdjson,
  eventsCsv,
  canonicalParquet,
  canonicalCsv,
  canonicalNdjson,
  genericCsv,
  genericNdjson,
  genericParquet,
];
