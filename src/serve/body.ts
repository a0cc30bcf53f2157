// Request bodies for the ingest endpoints, taken raw so we decide what is wrong with them: invalid
// UTF-8, JSON that does not parse, NDJSON versus one JSON document. Messages name the problem.
import { HttpError } from './http-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; a 400 when it is not UTF-8. */
export function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (!(body instanceof Uint8Array)) throw new HttpError(400, 'Could not read the request body.');
  try {
    return utf8.decode(body).replace(/^\uFEFF/, '');
  } catch {
    throw new HttpError(400, 'The body is not valid UTF-8 text.');
  }
}

/** Lines an NDJSON text holds (a last line without a newline counts). */
export function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

/**
 * One JSON document (an array, or an object such as a submit-listens payload) or NDJSON lines. A body
 * that starts with `[` is a document; one that starts with `{` is a document when it parses whole and
 * is not one object per line.
 */
export function bodyKind(text: string): 'json' | 'ndjson' {
  const t = text.trimStart();
  if (t.startsWith('[')) return 'json';
  if (t.startsWith('{')) {
    const firstLine = t.slice(0, t.indexOf('\n') < 0 ? t.length : t.indexOf('\n')).trim();
    try {
      JSON.parse(firstLine);
      return 'ndjson'; // the first line is a whole object: NDJSON (one line or many)
    } catch {
      return 'json';
    }
  }
  return 'ndjson';
}
