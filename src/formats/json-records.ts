// Turns a JSON document holding an array of records into NDJSON, one record a line, so DuckDB can read
// it on the same vectorised path as NDJSON. It is tolerant: a truncated file or a broken record costs
// only that record, which comes back as a reject naming its index.

export interface JsonRecordsResult {
  /** One JSON text per record, in order; null where the record could not be parsed. */
  readonly records: (string | null)[];
  /** Problems with their 1-based record index (0 = the document as a whole). */
  readonly problems: { index: number; reason: string }[];
}

/** Splits `text` into the records of its top-level array (or of the array under `arrayKey`). */
export function jsonRecords(text: string, arrayKey?: string): JsonRecordsResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    const doc: unknown = JSON.parse(body);
    const arr = arrayKey !== undefined && isObject(doc) ? doc[arrayKey] : doc;
    if (!Array.isArray(arr)) {
      const where = arrayKey ? `an object with an array under "${arrayKey}"` : 'a JSON array of records';
      return { records: [], problems: [{ index: 0, reason: `expected ${where}, got ${describe(arr)}` }] };
    }
    return { records: arr.map((r) => JSON.stringify(r)), problems: [] };
  } catch {
    return scanRecords(body, arrayKey);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Slow path for a document that does not parse: walk the array element by element. */
function scanRecords(text: string, arrayKey?: string): JsonRecordsResult {
  const records: (string | null)[] = [];
  const problems: { index: number; reason: string }[] = [];
  let start = findArrayStart(text, arrayKey);
  if (start < 0) {
    problems.push({ index: 0, reason: 'not valid JSON and no array of records found: expected a JSON array like [{...}, {...}]' });
    return { records, problems };
  }
  let i = start + 1;
  const n = text.length;
  for (;;) {
    while (i < n && /[\s,]/.test(text[i]!)) i++;
    if (i >= n) {
      if (records.length === 0) problems.push({ index: 0, reason: 'the file ends before any complete record (truncated JSON?)' });
      else problems.push({ index: records.length + 1, reason: `the file ends inside record ${records.length + 1} (truncated JSON); records before it were read` });
      break;
    }
    if (text[i] === ']') break;
    start = i;
    if (text[i] === '}') {
      // A stray closing brace where a record should start: one broken record, then go on after it.
      records.push(null);
      problems.push({ index: records.length, reason: "not valid JSON: unexpected '}' where a record should start" });
      i++;
      continue;
    }
    const end = elementEnd(text, i);
    if (end < 0) {
      problems.push({ index: records.length + 1, reason: `the file ends inside record ${records.length + 1} (truncated JSON); records before it were read` });
      break;
    }
    const piece = text.slice(start, end);
    try {
      JSON.parse(piece);
      records.push(piece.replace(/\r?\n\s*/g, ' '));
    } catch (err) {
      records.push(null);
      problems.push({ index: records.length, reason: `not valid JSON: ${(err as Error).message}` });
    }
    i = end;
  }
  return { records, problems };
}

function findArrayStart(text: string, arrayKey?: string): number {
  if (arrayKey === undefined) return text.indexOf('[');
  const m = new RegExp(`"${arrayKey}"\\s*:\\s*\\[`).exec(text);
  return m ? m.index + m[0].length - 1 : -1;
}

/** Index just after the JSON value starting at `i`, or -1 if the text ends first. */
function elementEnd(text: string, i: number): number {
  const n = text.length;
  let depth = 0;
  let inStr = false;
  for (let j = i; j < n; j++) {
    const ch = text[j];
    if (inStr) {
      if (ch === '\\') j++;
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return j + 1;
      if (depth < 0) return j;
    } else if (depth === 0 && (ch === ',' || ch === '\n')) return j;
  }
  return -1;
}
