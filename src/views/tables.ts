// The stored shape of every live view: numeric rows keyed by (window, key), dictionary ids instead of
// strings (names live once in the stream_* dictionary tables). Views emit rows into RowBuffers; the
// view store replaces stored rows by key, so emitting a row twice writes the same row.

export type ColumnType = 'INTEGER' | 'DOUBLE';

export interface ViewTable {
  /** The view's name (the friendly SQL view and the dump file are named so). */
  readonly view: string;
  /** The stored table: `<view>_rows`. */
  readonly table: string;
  readonly columns: readonly { readonly name: string; readonly type: ColumnType }[];
  /** Columns whose values a new row replaces: every stored row with the same values is deleted first. */
  readonly key: readonly string[];
}

const col = (name: string, type: ColumnType = 'DOUBLE') => ({ name, type });
const top3 = (p: string) => [col(`${p}1`, 'INTEGER'), col(`${p}1_n`), col(`${p}2`, 'INTEGER'), col(`${p}2_n`), col(`${p}3`, 'INTEGER'), col(`${p}3_n`)];

export const VIEW_TABLES = {
  trending_tracks: {
    view: 'trending_tracks',
    table: 'trending_tracks_rows',
    // A window's rows are replaced together: its top list is recomputed whole.
    columns: [col('window_start'), col('window_end'), col('rank', 'INTEGER'), col('track', 'INTEGER'), col('plays', 'INTEGER')],
    key: ['window_start'],
  },
  action_counts: {
    view: 'action_counts',
    table: 'action_counts_rows',
    columns: [col('window_start'), col('window_end'), col('action', 'INTEGER'), col('events', 'INTEGER')],
    key: ['window_start'],
  },
  active_users: {
    view: 'active_users',
    table: 'active_users_rows',
    columns: [col('window_start'), col('window_end'), col('users', 'INTEGER')],
    key: ['window_start'],
  },
  user_profiles: {
    view: 'user_profiles',
    table: 'user_profiles_rows',
    columns: [
      col('user', 'INTEGER'), col('plays'), col('ms'), col('skips'), col('first_ms'), col('last_ms'),
      col('genre_plays'), ...top3('g'), col('mood_plays'), ...top3('m'), ...top3('a'),
    ],
    key: ['user'],
  },
  sessions: {
    view: 'sessions',
    table: 'sessions_rows',
    columns: [col('user', 'INTEGER'), col('session_start'), col('session_end'), col('plays', 'INTEGER'), col('ms'), col('skips', 'INTEGER'), col('open', 'INTEGER')],
    key: ['user', 'session_start'],
  },
  late_listens: {
    view: 'late_listens',
    table: 'late_listens_rows',
    columns: [col('bucket_start'), col('bucket_end'), col('late', 'INTEGER'), col('max_lateness_ms')],
    key: ['bucket_start'],
  },
} as const satisfies Record<string, ViewTable>;

export type ViewName = keyof typeof VIEW_TABLES | 'counters';
export const VIEW_NAMES: readonly ViewName[] = [...(Object.keys(VIEW_TABLES) as (keyof typeof VIEW_TABLES)[]), 'counters'];

/** Growable columns of numbers, one Float64Array per column. */
export class RowBuffer {
  n = 0;
  cols: Float64Array[];

  constructor(readonly width: number, capacity = 256) {
    this.cols = Array.from({ length: width }, () => new Float64Array(capacity));
  }

  /** Index of a new row; write its values with set(). */
  add(): number {
    if (this.n === this.cols[0]!.length) {
      this.cols = this.cols.map((c) => {
        const b = new Float64Array(c.length * 2);
        b.set(c);
        return b;
      });
    }
    return this.n++;
  }

  set(row: number, c: number, v: number): void {
    this.cols[c]![row] = v;
  }

  clear(): void {
    this.n = 0;
  }

  /**
   * Hands over the filled columns (views of the first n values) and starts empty with new, small
   * columns: what a writer on another thread takes without a copy.
   */
  take(): Float64Array[] {
    const out = this.cols.map((c) => c.subarray(0, this.n));
    this.cols = Array.from({ length: this.width }, () => new Float64Array(256));
    this.n = 0;
    return out;
  }
}

/** What one flush emits: per view, rows to write and keys to delete. */
export class ChangeSet {
  readonly rows = new Map<string, RowBuffer>();
  readonly deletes = new Map<string, RowBuffer>();

  out(t: ViewTable): RowBuffer {
    let b = this.rows.get(t.table);
    if (!b) this.rows.set(t.table, (b = new RowBuffer(t.columns.length)));
    return b;
  }

  /** Keys (in t.key order) whose stored rows go away without a replacement. */
  del(t: ViewTable): RowBuffer {
    let b = this.deletes.get(t.table);
    if (!b) this.deletes.set(t.table, (b = new RowBuffer(t.key.length, 16)));
    return b;
  }

  /** Empties every buffer, keeping their memory for the next flush. */
  clear(): void {
    for (const b of this.rows.values()) b.clear();
    for (const b of this.deletes.values()) b.clear();
  }

  get size(): number {
    let n = 0;
    for (const b of this.rows.values()) n += b.n;
    for (const b of this.deletes.values()) n += b.n;
    return n;
  }
}
