// What reports are published into: generations of report tables behind one pointer. A run writes its
// reports into a new generation that no reader can see, then publishes it in one transaction; a reader
// always gets a whole report from one published generation. One folder per backend (duckdb/ now,
// postgres/ later), each implementing this interface; the contract test runs over every backend.
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';

/** A report's SELECT with its parameters, ready to run on the computing (DuckDB) connection. */
export interface ReportQuery {
  readonly sql: string;
  readonly bind: (stmt: DuckDBPreparedStatement) => void;
}

export interface GenerationInfo {
  readonly generation: number;
  readonly startedAt: string;
  readonly publishedAt: string | null;
  readonly status: 'building' | 'published';
  /** The run's parameters (from, to, tz, --param values), as given. */
  readonly run: Record<string, unknown>;
}

export interface StoredReportInfo {
  readonly report: string;
  readonly generation: number;
  readonly publishedAt: string;
  readonly rows: number;
  readonly columns: string[];
  /** The report's effective parameters in that run. */
  readonly params: Record<string, unknown>;
}

export interface StoredReport extends StoredReportInfo {
  readonly data: Record<string, unknown>[];
}

export interface PutResult {
  /** A relation on the computing connection holding the stored rows (for writing files from them). */
  readonly relation: string;
  readonly rows: number;
  readonly columns: string[];
  /** The Parquet file holding the rows, where the backend keeps them as one (the DuckDB store does). */
  readonly parquetFile?: string;
}

export interface GenerationWriter {
  readonly generation: number;
  /** Runs the report's query into this generation. Nothing is visible to readers until publish(). */
  put(report: string, query: ReportQuery, params: Record<string, unknown>): Promise<PutResult>;
  /** Records that the report failed in this run, dropping whatever put() wrote for it. */
  fail(report: string, message: string): Promise<void>;
  /** Makes every put() report current in one transaction, then keeps only the last `keep` generations of each. */
  publish(): Promise<GenerationInfo>;
  /** Drops everything this generation wrote. */
  abort(): Promise<void>;
}

export interface ReportStore {
  /** Where the store is, for people: e.g. duckdb:/data/store.duckdb */
  readonly location: string;
  begin(run: Record<string, unknown>): Promise<GenerationWriter>;
  /** A report from its latest published generation (or the given one); null when never computed. */
  read(report: string, opts?: { generation?: number; limit?: number }): Promise<StoredReport | null>;
  /** Every report's latest published generation. */
  list(): Promise<StoredReportInfo[]>;
  generations(): Promise<GenerationInfo[]>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Generations to keep per report (default 3). */
  readonly keep?: number;
  /**
   * The DuckDB connection reports are computed on. The DuckDB store attaches its file there so a report
   * is written straight from the query; without one the store opens its own in-memory connection (readers).
   */
  readonly conn?: DuckDBConnection;
  readonly readOnly?: boolean;
  /** Who runs (host:pid): a generation left 'building' by a process that is gone is cleaned up. Default: this process. */
  readonly owner?: string;
}
