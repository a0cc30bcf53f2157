// The live views as the server answers them: kept in memory from the engine's own change sets (the same
// rows it writes to DATA/views.duckdb), named through the engine's dictionaries, so reads of trending
// or a profile cost a map lookup, not a query. Also the Server-Sent Events hub of GET /v1/live.
import type { Dicts } from '../engine/dict.js';
import type { Engine } from '../engine/engine.js';
import { ACTION_NAMES, type ListenBatch } from '../engine/types.js';
import { withViews } from '../store/views.js';
import { VIEW_TABLES, type ChangeSet, type ViewTable } from '../views/tables.js';

/** Windows kept per windowed view. */
const KEEP_WINDOWS = 60;

type Row = Float64Array;

const iso = (ms: number): string | null => (Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null);

export interface LiveState {
  readonly counters: Record<string, number>;
  readonly trending: { window_start: string | null; window_end: string | null; tracks: { rank: number; track_key: string; track_name: string | null; artist_name: string | null; plays: number }[] } | null;
  readonly action_counts: { window_start: string | null; window_end: string | null; action: string; events: number }[];
  readonly active_users: { window_start: string | null; window_end: string | null; users: number }[];
  readonly recent: { user_id: string; track_name: string | null; artist_name: string | null; listened_at: string | null }[];
  readonly live: boolean;
}

export interface Profile {
  readonly user_id: string;
  readonly plays: number;
  readonly minutes: number;
  readonly skips: number;
  readonly skip_rate: number | null;
  readonly top_genres: { genre: string; plays: number }[];
  readonly top_artists: { artist: string; plays: number }[];
  readonly top_moods: { mood: string; plays: number }[];
  readonly mood_tags: string[];
  readonly first_listen: string | null;
  readonly last_listen: string | null;
}

export class LiveViews {
  private dicts: Dicts | null = null;
  private moodShare = 0.25;
  /** windowed view table → window start → rows */
  private windows = new Map<string, Map<number, Row[]>>();
  private profiles = new Map<number, Row>();
  private counters: Record<string, number> = {};
  private recent: LiveState['recent'] = [];
  private subscribers = new Set<(event: string, data: string) => void>();
  private cached: string | null = null;
  isLive = false;
  /** Why the engine stopped, when it failed. */
  failed: string | null = null;

  /** Rows stored by an earlier run (ids of the checkpoint's dictionaries), before the engine starts. */
  async load(dataDir: string): Promise<void> {
    await withViews(dataDir, async (conn, q) => {
      for (const t of [VIEW_TABLES.trending_tracks, VIEW_TABLES.action_counts, VIEW_TABLES.active_users, VIEW_TABLES.user_profiles] as ViewTable[]) {
        const order = t.key[0] === 'user' ? '' : `WHERE ${t.key[0]} >= (SELECT max(${t.key[0]}) FROM ${q(t.table)}) - 3600000`;
        const r = await conn.runAndReadAll(`SELECT ${t.columns.map((c) => `CAST("${c.name}" AS DOUBLE)`).join(', ')} FROM ${q(t.table)} ${order}`);
        for (const row of r.getRows()) this.put(t, Float64Array.from(row.map((v) => (v === null ? NaN : Number(v)))));
      }
      const c = await conn.runAndReadAll(`SELECT counter, value FROM ${q('counters')}`);
      for (const [k, v] of c.getRows()) this.counters[String(k)] = Number(v);
    });
  }

  /** The engine is restored or fresh; `resumed` false drops what load() found. */
  attach(engine: Engine, resumed: boolean): void {
    this.dicts = engine.dicts;
    this.moodShare = engine.config.profiles.moodTagShare;
    if (!resumed) {
      this.windows.clear();
      this.profiles.clear();
    }
  }

  private put(t: ViewTable, row: Row): void {
    if (t === VIEW_TABLES.user_profiles) {
      this.profiles.set(row[0]!, row);
      return;
    }
    let m = this.windows.get(t.table);
    if (!m) this.windows.set(t.table, (m = new Map()));
    const start = row[0]!;
    let list = m.get(start);
    if (!list) m.set(start, (list = []));
    list.push(row);
  }

  /** Applies one flush of the engine. */
  apply(changes: ChangeSet, counters: Readonly<Record<string, number>>): void {
    this.counters = { ...counters };
    for (const t of [VIEW_TABLES.trending_tracks, VIEW_TABLES.action_counts, VIEW_TABLES.active_users] as ViewTable[]) {
      const buf = changes.rows.get(t.table);
      const del = changes.deletes.get(t.table);
      let m = this.windows.get(t.table);
      if (!m) this.windows.set(t.table, (m = new Map()));
      if (del) for (let r = 0; r < del.n; r++) m.delete(del.cols[0]![r]!);
      if (buf && buf.n > 0) {
        // Only the newest KEEP_WINDOWS windows are kept, so only their rows are copied: the first flush
        // after the server replays the lake holds every window since the first listen (millions of rows).
        const startCol = buf.cols[0]!;
        const starts = new Set<number>(m.keys());
        for (let r = 0, prev = NaN; r < buf.n; r++) if (startCol[r] !== prev) starts.add((prev = startCol[r]!));
        const oldest = starts.size > KEEP_WINDOWS ? Float64Array.from(starts).sort()[starts.size - KEEP_WINDOWS]! : -Infinity;
        // A window's rows are replaced together.
        const fresh = new Map<number, Row[]>();
        for (let r = 0; r < buf.n; r++) {
          const s = startCol[r]!;
          if (s < oldest) continue;
          let l = fresh.get(s);
          if (!l) fresh.set(s, (l = []));
          l.push(Float64Array.from(buf.cols, (c) => c[r]!));
        }
        for (const [s, rows] of fresh) m.set(s, rows);
        for (const s of m.keys()) if (s < oldest) m.delete(s);
      }
    }
    const prof = changes.rows.get(VIEW_TABLES.user_profiles.table);
    if (prof) for (let r = 0; r < prof.n; r++) this.profiles.set(prof.cols[0]![r]!, Float64Array.from(prof.cols, (c) => c[r]!));
    this.cached = null;
    this.broadcast();
  }

  /** The newest listens of a batch (in arrival order) lead the recent-listens list, named through the dictionaries. */
  pushRecent(b: ListenBatch): void {
    const d = this.dicts;
    if (!d || b.n === 0) return;
    const fresh: LiveState['recent'][number][] = [];
    for (let i = b.n - 1; i >= 0 && fresh.length < 20; i--) {
      const t = b.track[i]!;
      fresh.push({ user_id: d.users.values[b.user[i]!] ?? String(b.user[i]), track_name: d.trackName[t] ?? null, artist_name: d.trackArtist[t] ?? null, listened_at: iso(b.ts[i]!) });
    }
    this.recent = [...fresh, ...this.recent].slice(0, 20);
    this.cached = null;
  }

  private windowRows(table: string): [number, Row[]][] {
    const m = this.windows.get(table);
    if (!m) return [];
    return [...m.entries()].sort((a, b) => a[0] - b[0]);
  }

  state(): LiveState {
    const d = this.dicts;
    const trendingWindows = this.windowRows(VIEW_TABLES.trending_tracks.table);
    const last = trendingWindows.at(-1);
    const trending = last
      ? {
          window_start: iso(last[0]),
          window_end: iso(last[1][0]![1]!),
          tracks: last[1]
            .map((r) => {
              const t = r[3]!;
              return { rank: r[2]!, track_key: d?.tracks.values[t] ?? String(t), track_name: d?.trackName[t] ?? null, artist_name: d?.trackArtist[t] ?? null, plays: r[4]! };
            })
            .sort((a, b) => a.rank - b.rank),
        }
      : null;
    const action_counts = this.windowRows(VIEW_TABLES.action_counts.table)
      .slice(-30)
      .flatMap(([s, rows]) => rows.map((r) => ({ window_start: iso(s), window_end: iso(r[1]!), action: ACTION_NAMES[r[2]!] ?? 'unknown', events: r[3]! })));
    const active_users = this.windowRows(VIEW_TABLES.active_users.table)
      .slice(-30)
      .map(([s, rows]) => ({ window_start: iso(s), window_end: iso(rows[0]![1]!), users: rows[0]![2]! }));
    return { counters: this.counters, trending, action_counts, active_users, recent: this.recent, live: this.isLive };
  }

  /** One engine counter as of the last flush (NaN when unknown). */
  counter(name: string): number {
    const v = this.counters[name];
    return v === undefined ? NaN : v;
  }

  stateJson(): string {
    return (this.cached ??= JSON.stringify(this.state()));
  }

  /** A user's live profile, or null when the engine has not seen them. */
  profile(user: string): Profile | null {
    const d = this.dicts;
    if (!d) return null;
    const id = d.users.find(user);
    if (id === undefined) return null;
    const p = this.profiles.get(id);
    if (!p) return null;
    // Columns: user, plays, ms, skips, first_ms, last_ms, genre_plays, g1, g1_n, g2, g2_n, g3, g3_n, mood_plays, m1…, a1…
    const top = (at: number, names: readonly string[]) =>
      [0, 1, 2].map((i) => ({ id: p[at + 2 * i]!, n: p[at + 2 * i + 1]! })).filter((x) => x.id >= 0 && Number.isFinite(x.id)).map((x) => ({ name: names[x.id] ?? String(x.id), n: x.n }));
    const plays = p[1]!;
    const moods = top(14, d.moods.values);
    return {
      user_id: user,
      plays,
      minutes: Math.round((p[2]! / 60000) * 100) / 100,
      skips: p[3]!,
      skip_rate: plays > 0 ? Math.round((p[3]! / plays) * 10000) / 10000 : null,
      top_genres: top(7, d.genres.values).map((x) => ({ genre: x.name, plays: x.n })),
      top_artists: top(20, d.artists.values).map((x) => ({ artist: x.name, plays: x.n })),
      top_moods: moods.map((x) => ({ mood: x.name, plays: x.n })),
      mood_tags: moods.filter((x) => x.n >= p[13]! * this.moodShare).map((x) => x.name),
      first_listen: iso(p[4]!),
      last_listen: iso(p[5]!),
    };
  }

  subscribe(f: (event: string, data: string) => void): () => void {
    this.subscribers.add(f);
    return () => this.subscribers.delete(f);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  private broadcast(): void {
    if (this.subscribers.size === 0) return;
    const data = this.stateJson();
    for (const f of this.subscribers) f('state', data);
  }
}
