// State sections of a checkpoint: named typed arrays and small JSON values. Views write their state
// through a SnapshotWriter and read it back through a SnapshotReader; src/engine/checkpoint.ts puts the
// sections in one file.

export type SectionData = Float64Array | Int32Array | Uint8Array;

export interface Section {
  readonly name: string;
  readonly kind: 'f64' | 'i32' | 'u8' | 'json';
  readonly bytes: Uint8Array;
}

export class SnapshotWriter {
  readonly sections: Section[] = [];
  constructor(private readonly prefix = '') {}

  scope(name: string): SnapshotWriter {
    const w = new SnapshotWriter(`${this.prefix}${name}.`);
    (w as { sections: Section[] }).sections = this.sections;
    return w;
  }

  f64(name: string, a: Float64Array): void {
    this.sections.push({ name: this.prefix + name, kind: 'f64', bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) });
  }

  i32(name: string, a: Int32Array): void {
    this.sections.push({ name: this.prefix + name, kind: 'i32', bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) });
  }

  u8(name: string, a: Uint8Array): void {
    this.sections.push({ name: this.prefix + name, kind: 'u8', bytes: a });
  }

  json(name: string, v: unknown): void {
    this.sections.push({ name: this.prefix + name, kind: 'json', bytes: Buffer.from(JSON.stringify(v)) });
  }
}

export class SnapshotReader {
  constructor(
    private readonly map: ReadonlyMap<string, Section>,
    private readonly prefix = '',
  ) {}

  scope(name: string): SnapshotReader {
    return new SnapshotReader(this.map, `${this.prefix}${name}.`);
  }

  has(name: string): boolean {
    return this.map.has(this.prefix + name);
  }

  private get(name: string, kind: Section['kind']): Uint8Array {
    const s = this.map.get(this.prefix + name);
    if (!s) throw new Error(`checkpoint has no section ${this.prefix + name}`);
    if (s.kind !== kind) throw new Error(`checkpoint section ${this.prefix + name} is ${s.kind}, expected ${kind}`);
    return s.bytes;
  }

  /** Copies, so the result is aligned and owned. */
  f64(name: string): Float64Array {
    const b = this.get(name, 'f64');
    const out = new Float64Array(b.byteLength / 8);
    new Uint8Array(out.buffer).set(b);
    return out;
  }

  i32(name: string): Int32Array {
    const b = this.get(name, 'i32');
    const out = new Int32Array(b.byteLength / 4);
    new Uint8Array(out.buffer).set(b);
    return out;
  }

  u8(name: string): Uint8Array {
    return Uint8Array.from(this.get(name, 'u8'));
  }

  json<T>(name: string): T {
    return JSON.parse(Buffer.from(this.get(name, 'json')).toString('utf8')) as T;
  }
}
