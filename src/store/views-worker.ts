// The view store's worker thread: owns the views file's DuckDB instance and runs each request of
// src/store/views-thread.ts in order, with a copy of the engine's dictionaries that only grows.
import { parentPort } from 'node:worker_threads';
import { EarshotError, errorMessage } from '../util/errors.js';
import { openViewStore, ViewStoreBusyError, type ViewDicts, type ViewStore } from './views.js';
import type { Reply, Request, WireColumns } from './views-wire.js';

const port = parentPort;
if (!port) throw new Error('views-worker runs as a worker thread');

const list = () => {
  const values: string[] = [];
  return { values, get size() { return values.length; } };
};
const dicts = { users: list(), tracks: list(), artists: list(), genres: list(), moods: list(), trackName: [] as (string | null)[], trackArtist: [] as (string | null)[] } satisfies ViewDicts;

/** Appends one by one: push(...xs) passes every entry as an argument, and a million overflow the stack. */
function append<T>(to: T[], xs: readonly T[]): void {
  for (const x of xs) to.push(x);
}

const asMap = (w: WireColumns) => new Map(w.map((x) => [x.table, { n: x.n, cols: x.cols }]));

let store: ViewStore | null = null;

async function handle(req: Request): Promise<void> {
  switch (req.op) {
    case 'open':
      store = await openViewStore(req.dataDir, { holdMs: req.holdMs });
      return;
    case 'write': {
      const d = req.dicts;
      append(dicts.users.values, d.users);
      append(dicts.tracks.values, d.tracks);
      append(dicts.trackName, d.trackName);
      append(dicts.trackArtist, d.trackArtist);
      append(dicts.artists.values, d.artists);
      append(dicts.genres.values, d.genres);
      append(dicts.moods.values, d.moods);
      await store!.write({ rows: asMap(req.rows), deletes: asMap(req.deletes) }, dicts, req.meta);
      return;
    }
    case 'release':
      await store!.release();
      return;
    case 'clear':
      await store!.clear();
      return;
    case 'close':
      await store?.close();
      store = null;
      return;
  }
}

// One request at a time, in the order they came.
let queue: Promise<void> = Promise.resolve();
port.on('message', (req: Request) => {
  queue = queue.then(async () => {
    let reply: Reply;
    try {
      await handle(req);
      reply = { id: req.id, ok: true };
    } catch (err) {
      const e = err instanceof EarshotError ? err : null;
      reply = {
        id: req.id,
        ok: false,
        error: { kind: err instanceof ViewStoreBusyError ? 'busy' : 'other', message: errorMessage(err), retriable: e?.retriable ?? false, ...(e?.hint ? { hint: e.hint } : {}) },
      };
    }
    port.postMessage(reply);
  });
});
