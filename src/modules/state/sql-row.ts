/** A row as better-sqlite3 returns it. */
export type Row = Record<string, any>;

/** SQL NULL becomes undefined, so optional fields read back as they were written. */
export const optional = (value: unknown) => (value === null ? undefined : (value as any));
