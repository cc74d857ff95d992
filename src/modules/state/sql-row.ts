/** A row as better-sqlite3 returns it: column types are known only to the query that read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each repository reads its own columns by name
export type Row = Record<string, any>;

/** SQL NULL becomes undefined, so optional fields read back as they were written. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the caller knows the column's type
export const optional = (value: unknown) => (value === null ? undefined : (value as any));
