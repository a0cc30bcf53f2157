// SQL building blocks the format declarations share: reading times, numbers and flags from text,
// and quoting a raw value into a reject reason.

/**
 * The raw column as a string, NULL when empty or only spaces. Surrounding spaces are trimmed only when
 * there are any: trim() copies every string, and this runs on every field of every row.
 */
export const str = (col: string): string => {
  const v = `CAST(${q(col)} AS VARCHAR)`;
  return `nullif(CASE WHEN starts_with(${v}, ' ') OR ends_with(${v}, ' ') THEN trim(${v}) ELSE ${v} END, '')`;
}

/** Quote a raw column name for SQL. */
export function q(col: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(col) ? col : `"${col.replaceAll('"', '""')}"`;
}

/** A timestamp from ISO-8601 text (with or without zone; without one it is UTC). */
export const isoTs = (col: string): string => `TRY_CAST(${str(col)} AS TIMESTAMPTZ)`;

/** A timestamp from Unix seconds given as text. */
export const unixTs = (col: string): string => `try(to_timestamp(TRY_CAST(${str(col)} AS DOUBLE)))`;

export const num = (col: string): string => `TRY_CAST(${str(col)} AS DOUBLE)`;
export const int = (col: string): string => `TRY_CAST(TRY_CAST(${str(col)} AS DOUBLE) AS BIGINT)`;

/** true/false/1/0/yes/no in any case; NULL otherwise. */
export const bool = (col: string): string =>
  `CASE lower(${str(col)}) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'yes' THEN true WHEN 'false' THEN false WHEN '0' THEN false WHEN 'no' THEN false END`;

/** A check that the raw column is present. */
export const required = (col: string, expected: string) => ({
  field: col,
  bad: `${str(col)} IS NULL`,
  expected,
});

/** A check that a present raw value parses with `parsed` (SQL that is NULL on failure). */
export const parses = (col: string, parsed: string, expected: string) => ({
  field: col,
  bad: `${str(col)} IS NOT NULL AND (${parsed}) IS NULL`,
  expected,
  got: q(col),
});

/** A check that the raw column is present and parses. */
export const requiredParses = (col: string, parsed: string, expected: string) => ({
  field: col,
  bad: `(${parsed}) IS NULL`,
  expected,
  got: q(col),
});
