// The shape every input format takes: how to recognise it, how DuckDB reads its raw fields, and how
// those fields map onto the canonical tables. Formats are declarations; src/import/ runs them, so
// every format gets the same vectorised path, the same rejects and the same dedupe.
import type { TableName } from '../model/schema.js';

/** What detection sees of a file: its name and its first bytes as text. */
export interface Sample {
  readonly path: string;
  readonly name: string;
  readonly head: string;
}

export interface FormatOptions {
  /** --user: the user for exports that do not name one. */
  readonly user?: string;
  /** --map canonical=source pairs, for the generic formats. */
  readonly mapping?: Readonly<Record<string, string>>;
}

/** A JSON field: its path (DuckDB JSON path, e.g. $.track_metadata.artist_name) and the JSON types allowed. */
export interface JsonField {
  readonly path: string;
  readonly types?: readonly JsonType[];
}
export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array';

/**
 * How the raw fields are read. Every reader yields VARCHAR columns (parquet: native types) plus
 * `_line`, the line (CSV, NDJSON) or 1-based record index (JSON arrays) the row came from.
 */
export type ReaderSpec =
  | {
      readonly kind: 'csv';
      readonly header: boolean;
      /** Column names; for a headerless file they name the columns, with a header they are read from it. */
      readonly columns?: readonly string[];
      readonly delim?: string;
      readonly quote?: string;
      readonly encoding?: 'utf-8' | 'latin-1';
      /** Lines to skip before the header or first row (e.g. comment lines). */
      readonly skip?: number;
    }
  | { readonly kind: 'ndjson'; readonly fields: Readonly<Record<string, JsonField>> }
  | {
      readonly kind: 'json';
      readonly fields: Readonly<Record<string, JsonField>>;
      /** Where the records are: the top-level array (default) or the array under this key. */
      readonly arrayKey?: string;
    }
  | { readonly kind: 'parquet' };

/** A syntax check on raw fields: `bad` is SQL over the raw columns, TRUE when the row is wrong. */
export interface Check {
  readonly field: string;
  readonly bad: string;
  readonly expected: string;
  /** SQL for the offending raw value, quoted in the reason ("got '2025-13-45'"). */
  readonly got?: string;
}

/** One target table of a format: which raw rows go there and how each canonical column is computed. */
export interface OutputSpec {
  readonly table: TableName;
  /** SQL over raw columns choosing the rows of this output; the outputs of a format partition its rows. */
  readonly where?: string;
  /** canonical column name -> SQL over raw columns (and earlier canonical columns of this map). */
  readonly map: Readonly<Record<string, string>>;
  readonly checks?: readonly Check[];
}

export interface Format {
  readonly name: string;
  readonly description: string;
  /** 0 when the sample is not this format; higher wins (1 = certain from the content). */
  detect(sample: Sample): number;
  reader(sample: Sample, opts: FormatOptions): ReaderSpec;
  outputs(sample: Sample, opts: FormatOptions): readonly OutputSpec[];
}
