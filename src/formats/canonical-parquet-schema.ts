// The top-level column names of a Parquet file, read synchronously from its footer, so detection and
// outputs (which are synchronous and see only a sample) can decide by the columns a Parquet file has.
// The footer is a Thrift compact-protocol FileMetaData; only its schema (field 2: a list of
// SchemaElement, whose field 4 is the name and field 5 the number of children) is decoded.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const MAX_FOOTER = 64 * 1024 * 1024;

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new Error('footer ends early');
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new Error('bad varint');
  }

  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  binary(): Buffer {
    const len = this.varint();
    if (this.pos + len > this.buf.length) throw new Error('footer ends early');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(type: number, inList = false): void {
    switch (type) {
      case 1:
      case 2:
        if (inList) this.pos++;
        return;
      case 3:
        this.pos++;
        return;
      case 4:
      case 5:
      case 6:
        this.varint();
        return;
      case 7:
        this.pos += 8;
        return;
      case 8:
        this.binary();
        return;
      case 9:
      case 10: {
        const { size, elem } = this.listHeader();
        for (let i = 0; i < size; i++) this.skip(elem, true);
        return;
      }
      case 11: {
        const size = this.varint();
        if (size === 0) return;
        const kv = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kv >> 4, true);
          this.skip(kv & 0x0f, true);
        }
        return;
      }
      case 12:
        this.struct(() => false);
        return;
      default:
        throw new Error(`unknown thrift type ${type}`);
    }
  }

  listHeader(): { size: number; elem: number } {
    const b = this.byte();
    let size = b >> 4;
    if (size === 15) size = this.varint();
    return { size, elem: b & 0x0f };
  }

  /** Reads a struct's fields; `onField` handles a field (returns true) or leaves it to be skipped. */
  struct(onField: (id: number, type: number) => boolean): void {
    let last = 0;
    for (;;) {
      const b = this.byte();
      const type = b & 0x0f;
      if (type === 0) return;
      const delta = b >> 4;
      const id = delta === 0 ? this.zigzag() : last + delta;
      last = id;
      if (!onField(id, type)) this.skip(type);
    }
  }
}

interface Element {
  name: string;
  children: number;
}

/** Top-level column names from a Parquet footer (the bytes of FileMetaData). */
export function columnsFromFooter(footer: Buffer): string[] {
  const r = new Reader(footer);
  const elements: Element[] = [];
  let done = false;
  r.struct((id, type) => {
    if (done || id !== 2 || type !== 9) return false;
    const { size, elem } = r.listHeader();
    if (elem !== 12) throw new Error('unexpected schema list');
    for (let i = 0; i < size; i++) {
      const e: Element = { name: '', children: 0 };
      r.struct((fid, ftype) => {
        if (fid === 4 && ftype === 8) e.name = r.binary().toString('utf8');
        else if (fid === 5 && ftype === 5) e.children = r.zigzag();
        else return false;
        return true;
      });
      elements.push(e);
    }
    done = true;
    return true;
  });
  if (elements.length === 0) throw new Error('no schema in the Parquet footer');
  const names: string[] = [];
  // elements[0] is the root; its children and their subtrees follow depth first.
  let i = 1;
  const skipTree = (k: number): number => {
    let next = k + 1;
    for (let c = 0; c < (elements[k]?.children ?? 0); c++) next = skipTree(next);
    return next;
  };
  for (let c = 0; c < elements[0]!.children && i < elements.length; c++) {
    names.push(elements[i]!.name);
    i = skipTree(i);
  }
  return names;
}

/** Top-level column names of the Parquet file at `path`; throws when it is not a readable Parquet file. */
export function parquetColumns(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < 12) throw new Error('too small to be a Parquet file');
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, size - 8);
    if (tail.toString('latin1', 4, 8) !== 'PAR1') throw new Error('no Parquet footer (the file does not end in PAR1)');
    const len = tail.readUInt32LE(0);
    if (len <= 0 || len > MAX_FOOTER || len > size - 12) throw new Error('bad Parquet footer length');
    const footer = Buffer.alloc(len);
    readSync(fd, footer, 0, len, size - 8 - len);
    return columnsFromFooter(footer);
  } finally {
    closeSync(fd);
  }
}

const cache = new Map<string, { mtimeMs: number; size: number; columns: string[] | null }>();

/** parquetColumns, or null when the file cannot be read as Parquet; remembered per file version. */
export function parquetColumnsOrNull(path: string): string[] | null {
  let key: { mtimeMs: number; size: number };
  try {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      key = { mtimeMs: st.mtimeMs, size: st.size };
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === key.mtimeMs && hit.size === key.size) return hit.columns;
  let columns: string[] | null;
  try {
    columns = parquetColumns(path);
  } catch {
    columns = null;
  }
  if (cache.size > 1000) cache.clear();
  cache.set(path, { ...key, columns });
  return columns;
}

/** True when the sample starts with the Parquet magic bytes. */
export const isParquetSample = (head: string): boolean => head.startsWith('PAR1');
