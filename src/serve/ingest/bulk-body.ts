// Reading a POST /v1/listens body: text (UTF-8 checked), NDJSON or one JSON document, its listen format,
// and — for clean canonical NDJSON — its rows, ids and log payload (fast-stage.ts, prepare.ts). Plain
// values in and out, so a parse worker (parse-worker.ts) does it for large bodies, off the event loop;
// the route does it itself for small ones. Problems are the client's (400), said in the answer.
import { headKeys } from '../../formats/generic-sql.js';
import { bodyKind, bodyText, lineCount } from '../body.js';
import { HttpError } from '../http-error.js';
import { fastCanonicalNdjson } from './fast-stage.js';
import { prepareRows, type Prepared } from './prepare.js';
import { bodyFormat } from './stage-group.js';

export interface BulkRequest {
  /** ?format=NAME, when given. */
  readonly forced?: string;
  /** The user for shapes that name none. */
  readonly user: string;
  /** When set, listens of any other user send the body to SQL (which rejects them by name). */
  readonly onlyUser?: string;
  readonly origin: string;
}

export type BulkRead =
  | { readonly error: string }
  | {
      readonly kind: 'ndjson' | 'json';
      readonly lines: number;
      /** The format's name (formatByName gives it back). */
      readonly format: string;
      readonly source: string;
      /** The prepared rows when the fast path read the body; else null and `text` is for the SQL path. */
      readonly pre: Prepared | null;
      readonly text: string;
    };

/** `whole`: encode the log payload here (a worker, which hands over bytes); else keep the rows for the commit. */
export function readBulkBody(raw: unknown, r: BulkRequest, whole: boolean): BulkRead {
  try {
    const text = bodyText(raw);
    if (text.trim() === '') return { error: 'The body is empty: send NDJSON (one listen per line) or a JSON array of listens.' };
    const kind = bodyKind(text);
    const format = bodyFormat(text, kind, r.forced);
    if (typeof format === 'string') return { error: format };
    const source = `api:${format.name}`;
    const fast = kind === 'ndjson' && format.name === 'canonical-ndjson' ? fastCanonicalNdjson(text, headKeys(text.slice(0, 64 * 1024)), r.user, r.onlyUser) : null;
    return {
      kind,
      lines: kind === 'ndjson' ? lineCount(text) : 1,
      format: format.name,
      source,
      pre: fast && prepareRows(fast, source, r.origin, whole),
      text: fast ? '' : text,
    };
  } catch (err) {
    if (err instanceof HttpError) return { error: err.message };
    throw err;
  }
}
