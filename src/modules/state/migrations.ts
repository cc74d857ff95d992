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
  `CREATE TABLE sessions (
     session_key TEXT PRIMARY KEY,
     channel TEXT NOT NULL,
     account_id TEXT,
     chat_id TEXT,
     peer_id TEXT,
     display_name TEXT,
     generation INTEGER NOT NULL DEFAULT 1,
     created_at_ms INTEGER NOT NULL,
     updated_at_ms INTEGER NOT NULL,
     last_message_at_ms INTEGER
   );
   CREATE TABLE transcript_entries (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     session_key TEXT NOT NULL REFERENCES sessions(session_key) ON DELETE CASCADE,
     generation INTEGER NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool', 'system')),
     content TEXT NOT NULL,
     meta TEXT,
     run_id TEXT,
     source_ref TEXT,
     created_at_ms INTEGER NOT NULL
   );
   CREATE INDEX transcript_by_session ON transcript_entries(session_key, generation, id);
   CREATE UNIQUE INDEX transcript_source_ref ON transcript_entries(session_key, source_ref) WHERE source_ref IS NOT NULL;
   CREATE TABLE channel_cursors (
     channel TEXT NOT NULL,
     account_id TEXT NOT NULL,
     cursor TEXT NOT NULL,
     updated_at_ms INTEGER NOT NULL,
     PRIMARY KEY (channel, account_id)
   );
   CREATE TABLE channel_inbox (
     channel TEXT NOT NULL,
     account_id TEXT NOT NULL,
     update_id TEXT NOT NULL,
     payload TEXT NOT NULL,
     received_at_ms INTEGER NOT NULL,
     handled_at_ms INTEGER,
     PRIMARY KEY (channel, account_id, update_id)
   );
   CREATE TABLE channel_outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     channel TEXT NOT NULL,
     account_id TEXT NOT NULL,
     chat_id TEXT NOT NULL,
     text TEXT NOT NULL,
     reply_to TEXT,
     source_ref TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at_ms INTEGER NOT NULL,
     last_error TEXT,
     created_at_ms INTEGER NOT NULL,
     sent_at_ms INTEGER
   );
   CREATE INDEX channel_outbox_due ON channel_outbox(sent_at_ms, next_attempt_at_ms);
   CREATE UNIQUE INDEX channel_outbox_source_ref ON channel_outbox(channel, account_id, source_ref) WHERE source_ref IS NOT NULL;
   CREATE TABLE channel_pairing_codes (
     channel TEXT NOT NULL,
     code TEXT NOT NULL,
     sender_id TEXT NOT NULL,
     sender_name TEXT,
     chat_id TEXT,
     created_at_ms INTEGER NOT NULL,
     expires_at_ms INTEGER NOT NULL,
     PRIMARY KEY (channel, code)
   );
   CREATE UNIQUE INDEX channel_pairing_by_sender ON channel_pairing_codes(channel, sender_id);
   CREATE TABLE channel_allowed_senders (
     channel TEXT NOT NULL,
     sender_id TEXT NOT NULL,
     sender_name TEXT,
     approved_at_ms INTEGER NOT NULL,
     PRIMARY KEY (channel, sender_id)
   );
   CREATE TABLE request_idempotency (
     scope TEXT NOT NULL,
     key TEXT NOT NULL,
     outcome TEXT NOT NULL,
     created_at_ms INTEGER NOT NULL,
     PRIMARY KEY (scope, key)
   );`,
  // Channel outbox: the platform's id of each delivered part (what `send` answers),
  // and a terminal state for parts the platform refused for good.
  `ALTER TABLE channel_outbox ADD COLUMN message_id TEXT;
   ALTER TABLE channel_outbox ADD COLUMN failed_at_ms INTEGER;
   CREATE INDEX channel_outbox_pending ON channel_outbox(channel, account_id, chat_id, id) WHERE sent_at_ms IS NULL AND failed_at_ms IS NULL;`,
  // Exec approvals: programs an operator answered "allow always" for on the gateway host's own exec tool.
  `CREATE TABLE host_exec_allowlist (
     command TEXT PRIMARY KEY,
     approved_by TEXT,
     approved_at_ms INTEGER NOT NULL
   );`,
  // Exec approvals on the gateway host bound to argument patterns (common/exec/args-pattern):
  // an earlier program-wide "allow always" keeps meaning any arguments ("**"), so nothing approved is lost.
  `CREATE TABLE host_exec_approvals (
     command TEXT NOT NULL,
     args_json TEXT NOT NULL,
     approved_by TEXT,
     approved_at_ms INTEGER NOT NULL,
     PRIMARY KEY (command, args_json)
   );
   INSERT INTO host_exec_approvals (command, args_json, approved_by, approved_at_ms)
     SELECT command, '["**"]', approved_by, approved_at_ms FROM host_exec_allowlist;
   DROP TABLE host_exec_allowlist;`,
  // Channel outbox: when a part's Bot API call started, committed before the call, so after a crash
  // the parts that may have gone out (and may now go out twice) are known (docs/channels.md, "Reliability").
  `ALTER TABLE channel_outbox ADD COLUMN sending_at_ms INTEGER;`,
  // Channel outbox: a part may be a picture (a browser screenshot) instead of text; the file lives under the state dir.
  `ALTER TABLE channel_outbox ADD COLUMN media_path TEXT;
   ALTER TABLE channel_outbox ADD COLUMN media_type TEXT;`,
  // Sessions an operator named or pointed at another model (sessions.patch).
  `ALTER TABLE sessions ADD COLUMN label TEXT;
   ALTER TABLE sessions ADD COLUMN model TEXT;`,
];
