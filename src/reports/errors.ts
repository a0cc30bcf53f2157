// The error of one report in a run: which report, which parameter (where one is to blame) and what is
// wrong. A run records it and goes on with the other reports.
import { EarshotError, type EarshotErrorOptions } from '../util/errors.js';

export type ReportFailure = 'parameter' | 'missing-table' | 'sql' | 'columns' | 'manifest' | 'output' | 'store';

export class ReportError extends EarshotError {
  constructor(
    readonly report: string,
    readonly kind: ReportFailure,
    readonly detail: string,
    readonly parameter?: string,
    opts: EarshotErrorOptions = {},
  ) {
    super(`report ${report}: ${parameter ? `parameter ${parameter}: ` : ''}${detail}`, opts);
  }
}
