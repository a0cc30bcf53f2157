// The generator as a live source: the same listens `earshot generate --format parquet` writes for the
// same options (users user_N, tracks spotify:track:ID with the catalogue's genre and mood), produced in
// memory in start-time order. With start=now (the default) and speed 1 it is a live feed; the position
// is the number of listens handed out, and a resume regenerates the world and skips them.
import { buildCatalogue } from '../../generate/catalogue.js';
import { ListenEngine } from '../../generate/engine.js';
import { GENERATE_DEFAULTS, parseStart } from '../../generate/index.js';
import { ACTIONS, Listen } from '../../generate/listen.js';
import { buildUsers } from '../../generate/users.js';
import { GENRES, MOODS } from '../../generate/vocab.js';
import { UsageError } from '../../util/errors.js';
import type { Dicts } from '../dict.js';
import { actionCode, allocBatch, type SourceBatch, type SourcePosition, type StreamSource } from '../types.js';
import { pullSource } from './lifecycle.js';

export interface GeneratorOptions {
  readonly users: number;
  readonly tracks: number;
  readonly events: number;
  readonly days: number;
  readonly seed: number;
  /** YYYY-MM-DD, an ISO time, or `now` (rounded down to the second when the stream first starts). */
  readonly start: string;
}

export const GENERATOR_DEFAULTS: GeneratorOptions = {
  users: GENERATE_DEFAULTS.users,
  tracks: GENERATE_DEFAULTS.tracks,
  events: GENERATE_DEFAULTS.events,
  days: GENERATE_DEFAULTS.days,
  seed: GENERATE_DEFAULTS.seed,
  start: 'now',
};

/** `users=200,events=1e6,start=2026-01-01` into options (unknown keys are an error). */
export function parseGeneratorOptions(text: string): GeneratorOptions {
  const o: Record<string, string | number> = { ...GENERATOR_DEFAULTS };
  for (const part of text.split(',').filter(Boolean)) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (!k || v === undefined || !(k in GENERATOR_DEFAULTS)) throw new UsageError(`generator option "${part}" is not one of ${Object.keys(GENERATOR_DEFAULTS).join(', ')} (key=value)`);
    if (k === 'start') o[k] = v;
    else {
      const n = Number(v);
      if (!Number.isFinite(n) || !Number.isInteger(n) || n < (k === 'seed' || k === 'events' ? 0 : 1)) throw new UsageError(`generator option ${k} must be a whole number, got "${v}"`);
      o[k] = n;
    }
  }
  return o as unknown as GeneratorOptions;
}

export function generatorId(o: GeneratorOptions): string {
  return `generator:users=${o.users},tracks=${o.tracks},events=${o.events},days=${o.days},seed=${o.seed},start=${o.start}`;
}

export interface GeneratorSourceOptions {
  readonly options: GeneratorOptions;
  readonly dicts: Dicts;
  readonly from: SourcePosition | null;
  readonly batchRows?: number;
}

export async function openGeneratorSource(o: GeneratorSourceOptions): Promise<StreamSource> {
  if (o.from && o.from.kind !== 'generator') throw new Error(`a generator source cannot resume from a ${o.from.kind} position`);
  const g = o.options;
  const startMs = o.from?.startMs ?? (g.start === 'now' ? Math.floor(Date.now() / 1000) * 1000 : parseStart(g.start));
  const endMs = startMs + g.days * 86_400_000;
  const cat = buildCatalogue(g.seed, g.tracks, new Date(startMs).getUTCFullYear() - 1);
  const users = buildUsers(g.seed, g.users, cat);
  const engine = new ListenEngine({ seed: g.seed, users, cat, listens: g.events, episodes: 0, startMs, endMs });
  const d = o.dicts;
  const userIds = new Int32Array(users.count).fill(-1);
  const trackIds = new Int32Array(cat.count).fill(-1);
  const artistIds = new Int32Array(cat.artistName.length).fill(-1);
  const codes = ACTIONS.map((a) => actionCode(a));
  const rows = o.batchRows ?? 4096;
  const l = new Listen();
  let seq = 0;
  const skip = o.from?.kind === 'generator' ? o.from.seq : 0;
  while (seq < skip && engine.next(l)) seq++;

  async function* run(stopped: () => boolean): AsyncGenerator<SourceBatch> {
    while (!stopped()) {
      const c = allocBatch(rows);
      let n = 0;
      while (n < rows && engine.next(l)) {
        seq++;
        let u = userIds[l.user]!;
        if (u < 0) u = userIds[l.user] = d.users.id(`user_${l.user + 1}`);
        let t = trackIds[l.track]!;
        if (t < 0) {
          const a = cat.artistOf[l.track]!;
          t = trackIds[l.track] = d.track(`spotify:track:${cat.spotifyId[l.track]}`, cat.title[l.track], cat.artistName[a], GENRES[cat.genre[l.track]!], MOODS[cat.mood[l.track]!]);
        }
        const a = cat.artistOf[l.track]!;
        let ai = artistIds[a]!;
        if (ai < 0) ai = artistIds[a] = d.artists.id(cat.artistName[a]!);
        c.user[n] = u;
        c.track[n] = t;
        c.artist[n] = ai;
        c.ts[n] = l.startMs;
        c.ms[n] = l.playedMs;
        c.action[n] = codes[l.outcome]!;
        n++;
      }
      if (n === 0) return;
      yield {
        listens: { n, user: c.user.subarray(0, n), track: c.track.subarray(0, n), artist: c.artist.subarray(0, n), ts: c.ts.subarray(0, n), ms: c.ms.subarray(0, n), action: c.action.subarray(0, n) },
        position: { kind: 'generator', seq, startMs },
        rejected: 0,
      };
    }
  }

  return pullSource(run, () => undefined, {
    id: generatorId(g),
    defaultSpeed: g.start === 'now' ? 1 : ('max' as const),
    async ack() {},
    status: () => ({ lag: g.events - seq }),
  });
}
