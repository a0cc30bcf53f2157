// A 12-event play stream and a 6-track catalogue whose report answers are worked out by hand in
// reports-activity, reports-catalogue and reports-recap tests. 2026-03-02 is a Monday. ms_played is
// song_duration × 1000 for `complete` events only (see src/formats/events.ts); t5 is not in the
// catalogue; t4 has no audio features, popularity or release date; t6 is never played.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runImport } from '../../src/import/run.js';
import { tempDir } from './lake.js';
import { runAndRead, writeFiles, type Rows } from './reports.js';

export const EVENTS = `event_id,event_ts,user_id,song_id,artist_id,action,device,location,song_duration,session_id
e1,2026-03-02T08:00:00Z,ua,t1,a1,complete,ios,"Berlin, DE",200,sA1
e2,2026-03-02T08:03:20Z,ua,t2,a1,skip,ios,"Berlin, DE",180,sA1
e3,2026-03-02T08:04:00Z,ua,t1,a1,complete,ios,"Berlin, DE",200,sA1
e4,2026-03-02T20:00:00Z,ua,t3,a2,complete,web,"Berlin, DE",300,
e5,2026-03-02T20:10:00Z,ua,t5,a9,pause,web,DE,100,
e6,2026-03-02T21:00:00Z,ua,t1,a1,play,web,DE,200,
e7,2026-03-03T09:00:00Z,ub,t1,a1,complete,android,"Paris, FR",200,sB1
e8,2026-03-03T09:10:00Z,ub,t4,a3,skip,android,"Paris, FR",150,sB1
e9,2026-03-04T09:00:00Z,ub,t2,a1,complete,android,"Lyon, FR",180,sB2
e10,2026-03-08T23:30:00Z,uc,t3,a2,skip,,,300,
e11,2026-03-09T00:10:00Z,uc,t3,a2,complete,,,300,
e12,2026-03-04T10:00:00Z,ua,t2,a1,complete,ios,"Berlin, DE",180,sA2
`;

export const CATALOGUE = `song_id,title,artist,genre,mood,popularity,release_date,danceability,energy,tempo,loudness
t1,Alpha,Ann,Pop,Happy,80,2025-05-01,0.2,0.5,100,-10
t2,Beta,Ann,Rock,Sad,50,2018,0.6,0.7,140,-5
t3,Gamma,Bob,Pop,Chill,10,2000-01-01,1.0,0.9,120,-20
t4,Delta,Cyd,Jazz,Happy,,,,,,
t6,Epsilon,Dee,Rock,Sad,70,2026-01-10,0.4,0.1,80,-30
`;

/** Imports the tiny world into DIR/data and returns that data directory. */
export async function importTinyEvents(dir: string): Promise<string> {
  const data = join(dir, 'data');
  const s = await runImport({ inputs: await writeFiles(join(dir, 'in'), { 'events.csv': EVENTS, 'songs_metadata.csv': CATALOGUE }), dataDir: data });
  if (s.totals.accepted !== 17 || s.totals.rejected !== 0) throw new Error(`tiny events world: expected 17 accepted, 0 rejected, got ${JSON.stringify(s.totals)}`);
  return data;
}

/**
 * Registers before/after hooks that import the tiny world into a temp dir and run one report group on
 * it; the returned getters give the data dir and the group's rows once the hooks have run.
 */
export function tinyEventsGroup(group: string): { data: () => string; rows: () => Record<string, Rows> } {
  let data = '';
  let rows: Record<string, Rows> = {};
  let cleanup: () => Promise<void> = async () => undefined;
  before(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    data = await importTinyEvents(t.dir);
    const res = await runAndRead({ dataDir: data, group });
    assert.equal(res.summary.failed, 0);
    rows = res.rows;
  });
  after(() => cleanup());
  return { data: () => data, rows: () => rows };
}
