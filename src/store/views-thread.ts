// The view store on a worker thread. Writing a flush (appending millions of rows, the transaction, the
// checkpoint) is CPU work that would otherwise share the engine's thread: here it runs beside it. The
// engine hands over the flush's column buffers (moved, not copied) and the dictionary entries new since
// the last write.
import { EarshotError } from '../util/errors.js';
import { moduleBeside, startModuleWorker } from '../util/worker.js';
import { RowBuffer } from '../views/tables.js';
import { ViewStoreBusyError, viewsPath, type ViewChanges, type ViewDicts, type ViewStore, type ViewStoreOptions, type ViewWriteMeta } from './views.js';
import type { DictDelta, Reply, Request, WireColumns } from './views-wire.js';

/** A request without its id (the caller numbers them). */
type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/** The worker's entry: the compiled file beside this one, or the source file when run through tsx. */
const WORKER = moduleBeside(import.meta.url, 'views-worker');

/**
 * A flush's columns, moved to the worker without a copy: when the flush is a ChangeSet its buffers are
 * taken (the set starts over with fresh ones), otherwise they are copied.
 */
function wire(m: ViewChanges['rows'], transfer: ArrayBuffer[]): WireColumns {
  const out: WireColumns = [];
  for (const [table, b] of m) {
    if (b.n === 0) continue;
    const n = b.n;
    const cols = b instanceof RowBuffer ? b.take() : b.cols.map((c) => c.slice(0, n));
    for (const c of cols) transfer.push(c.buffer as ArrayBuffer);
    out.push({ table, n, cols });
  }
  return out;
}

/** Tells errors apart across the thread: a busy views file stays a ViewStoreBusyError (it is retriable). */
function revive(e: Extract<Reply, { ok: false }>['error']): Error {
  if (e.kind === 'busy') return new ViewStoreBusyError(e.message, { retriable: true, ...(e.hint ? { hint: e.hint } : {}) });
  return new EarshotError(e.message, { retriable: e.retriable, ...(e.hint ? { hint: e.hint } : {}) });
}

export async function openThreadedViewStore(dataDir: string, opts: ViewStoreOptions = {}): Promise<ViewStore> {
  const worker = startModuleWorker(WORKER, import.meta.url);
  let seq = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let dead: Error | null = null;
  const failAll = (err: Error) => {
    dead = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (r: Reply) => {
    const w = waiting.get(r.id);
    if (!w) return;
    waiting.delete(r.id);
    if (r.ok) w.resolve();
    else w.reject(revive(r.error));
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new EarshotError(`the view store's worker thread stopped (exit code ${code})`)));

  const call = (req: RequestBody, transfer: ArrayBuffer[] = []): Promise<void> => {
    if (dead) return Promise.reject(dead);
    const id = ++seq;
    return new Promise<void>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ ...req, id } as Request, transfer);
    });
  };

  // Dictionary entries go over once: the worker keeps a copy that only grows, as the engine's does.
  const sent = { users: 0, tracks: 0, artists: 0, genres: 0, moods: 0 };
  const delta = (d: ViewDicts): DictDelta => {
    const out: DictDelta = {
      users: d.users.values.slice(sent.users),
      tracks: d.tracks.values.slice(sent.tracks),
      trackName: d.trackName.slice(sent.tracks, d.tracks.size),
      trackArtist: d.trackArtist.slice(sent.tracks, d.tracks.size),
      artists: d.artists.values.slice(sent.artists),
      genres: d.genres.values.slice(sent.genres),
      moods: d.moods.values.slice(sent.moods),
    };
    sent.users = d.users.size;
    sent.tracks = d.tracks.size;
    sent.artists = d.artists.size;
    sent.genres = d.genres.size;
    sent.moods = d.moods.size;
    return out;
  };

  try {
    await call({ op: 'open', dataDir, holdMs: opts.holdMs ?? 0 });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return {
    path: viewsPath(dataDir),
    write(changes: ViewChanges, dicts: ViewDicts, m: ViewWriteMeta) {
      const transfer: ArrayBuffer[] = [];
      return call({ op: 'write', rows: wire(changes.rows, transfer), deletes: wire(changes.deletes, transfer), dicts: delta(dicts), meta: m }, transfer);
    },
    release: () => call({ op: 'release' }),
    clear: () => call({ op: 'clear' }),
    async close() {
      try {
        if (!dead) await call({ op: 'close' });
      } finally {
        worker.removeAllListeners('exit');
        await worker.terminate();
      }
    },
  };
}
