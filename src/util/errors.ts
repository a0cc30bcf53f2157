// One error base for the whole package: a message a person can act on, an optional hint,
// whether retrying can help, and the cause. Subclasses carry the context (file, line, field).

export interface EarshotErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  hint?: string;
}

export class EarshotError extends Error {
  readonly retriable: boolean;
  readonly hint: string | undefined;

  constructor(message: string, opts: EarshotErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.retriable = opts.retriable ?? false;
    this.hint = opts.hint;
  }
}

/** Bad usage: wrong flags, contradictory options, a path that does not exist. Exit code 2. */
export class UsageError extends EarshotError {}

/** A whole input could not be read (unreadable file, unknown format). The import goes on with the others. */
export class InputError extends EarshotError {
  constructor(
    readonly file: string,
    message: string,
    opts: EarshotErrorOptions = {},
  ) {
    super(`${file}: ${message}`, opts);
  }
}

/** A query the user wrote failed in DuckDB; the message is DuckDB's, with a hint where we have one. */
export class QueryError extends EarshotError {}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
