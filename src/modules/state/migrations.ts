/**
 * Schema steps, applied in order and never edited once released: a change is
 * a new entry at the end. PRAGMA user_version records how many have run.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE gateway_meta (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL,
     updated_at_ms INTEGER NOT NULL
   );`,
];
