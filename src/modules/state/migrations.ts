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
  `CREATE TABLE paired_devices (
     device_id TEXT PRIMARY KEY,
     public_key TEXT NOT NULL,
     roles TEXT NOT NULL,
     scopes TEXT NOT NULL,
     display_name TEXT,
     platform TEXT,
     client_id TEXT,
     client_mode TEXT,
     remote_ip TEXT,
     created_at_ms INTEGER NOT NULL,
     approved_at_ms INTEGER NOT NULL,
     last_seen_at_ms INTEGER
   );
   CREATE TABLE pairing_requests (
     request_id TEXT PRIMARY KEY,
     device_id TEXT NOT NULL UNIQUE,
     public_key TEXT NOT NULL,
     role TEXT NOT NULL,
     scopes TEXT NOT NULL,
     display_name TEXT,
     platform TEXT,
     client_id TEXT,
     client_mode TEXT,
     remote_ip TEXT,
     created_at_ms INTEGER NOT NULL,
     expires_at_ms INTEGER NOT NULL
   );
   CREATE TABLE device_tokens (
     token_hash TEXT PRIMARY KEY,
     device_id TEXT NOT NULL REFERENCES paired_devices(device_id) ON DELETE CASCADE,
     role TEXT NOT NULL,
     scopes TEXT NOT NULL,
     issued_at_ms INTEGER NOT NULL,
     last_used_at_ms INTEGER
   );
   CREATE INDEX device_tokens_by_device ON device_tokens(device_id, role);
   CREATE TABLE node_pair_requests (
     request_id TEXT PRIMARY KEY,
     node_id TEXT NOT NULL,
     display_name TEXT,
     platform TEXT,
     version TEXT,
     caps TEXT NOT NULL,
     commands TEXT NOT NULL,
     remote_ip TEXT,
     status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
     token_hash TEXT,
     created_at_ms INTEGER NOT NULL,
     expires_at_ms INTEGER NOT NULL,
     resolved_at_ms INTEGER
   );
   CREATE INDEX node_pair_requests_by_node ON node_pair_requests(node_id, status);`,
];
