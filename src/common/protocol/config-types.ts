/** Wire shapes of the config.* methods and the `config` event (docs/protocol.md, "Config over the wire"). */

export interface ConfigGetResult {
  /** The config file on the gateway host. */
  path: string;
  exists: boolean;
  /** SHA-256 of the file as it is on disk now; pass it back as baseHash. */
  hash: string;
  /** Whether the file on disk validates; false after a refused edit on disk, with `issues`. */
  valid: boolean;
  issues: string[];
  /** The file's content, secrets replaced by "__NESTCLAW_REDACTED__" (sent back unchanged, a placeholder keeps the secret). */
  config: Record<string, unknown>;
  /** What the gateway runs with: defaults, environment and flags merged over the file, secrets redacted. */
  effective: Record<string, unknown>;
  /** Keys written but waiting for a restart (port, bind, TLS, Tailscale, auth, limits...). */
  restartRequired: string[];
}

export interface ConfigSchemaResult {
  /** JSON Schema (draft 2020-12) of the file, from the validator start-up uses, with descriptions. */
  schema: Record<string, unknown>;
  version: string;
}

export interface ConfigWriteResult {
  ok: true;
  path: string;
  /** The new file's hash: the baseHash of the next edit. */
  hash: string;
  /** Every key path the edit changed. */
  changed: string[];
  /** Of those, the ones in effect now. */
  applied: string[];
  /** Keys that need a restart, this edit's and earlier ones'. */
  restartRequired: string[];
  /** True when the gateway restarts in place after this answer (a `shutdown` event with restartExpectedMs follows). */
  restarting: boolean;
  /** The previous file was kept as `<path>.bak`. */
  backup: boolean;
}

export interface ConfigChangedEvent {
  source: 'rpc' | 'file';
  /** Set when an edit on disk was refused: the running config stays. */
  refused?: true;
  issues?: string[];
  hash: string;
  changed: string[];
  applied: string[];
  restartRequired: string[];
  restarting: boolean;
  ts: number;
}
