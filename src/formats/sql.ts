// SQL building blocks the format declarations share: reading times, numbers and flags from text,
// and quoting a raw value into a reject reason.

/** Quote a raw column name for SQL. */
export function q(col: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(col) ? col : `"${col.replaceAll('"', '""')}"`;
}

/** An SQL expression as a string, NULL when empty or only spaces; spaces are trimmed only when present. */
export const strInline = (expr: string): string => {
  const v = `CAST(${expr} AS VARCHAR)`;
  return `nullif(CASE WHEN starts_with(${v}, ' ') OR ends_with(${v}, ' ') THEN trim(${v}) ELSE ${v} END, '')`;
};

/** Prefix of the columns the stage computes once per raw column that `str()` names. */
export const STR_PREFIX = '__s_';

/**
 * The raw column as a string, NULL when empty or only spaces. For a plain column name this is a
 * reference to a column the stage computes once (`"__s_<col>"`), so expressions that use a field many
 * times stay small (DuckDB's planner slows down sharply on repeated large expressions).
 */
export const str = (col: string): string => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(col) ? `"${STR_PREFIX}${col}"` : strInline(q(col)));

/**
 * A TIMESTAMPTZ from ISO-8601 text given as SQL: UTC when it has no offset. Text with an explicit
 * numeric offset takes DuckDB's zone-aware cast; the rest (no zone, or Z) is read as a plain timestamp
 * and turned into TIMESTAMPTZ from its microseconds, several times faster than the zone-aware cast.
 */
export const isoText = (v: string): string =>
  `CASE WHEN contains(substr(${v}, 17), '+') OR contains(substr(${v}, 17), '-') THEN TRY_CAST(${v} AS TIMESTAMPTZ) ELSE make_timestamptz(epoch_us(TRY_CAST(${v} AS TIMESTAMP))) END`;

/** A timestamp from ISO-8601 text (with or without zone; without one it is UTC). */
export const isoTs = (col: string): string => isoText(str(col));

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
