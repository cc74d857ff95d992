/** Exec approvals on the wire (docs/protocol.md, "Exec approvals"); shared by the gateway, the node host and the CLI. */
export const ExecApprovalMethod = {
  Request: 'exec.approval.request',
  Resolve: 'exec.approval.resolve',
  List: 'exec.approval.list',
} as const;

/** The exec allowlists over the wire (docs/protocol.md, "Exec allowlists"), the reference's names and params. */
export const ExecAllowlistMethod = {
  Get: 'exec.approvals.get',
  Set: 'exec.approvals.set',
  NodeGet: 'exec.approvals.node.get',
  NodeSet: 'exec.approvals.node.set',
} as const;

export const EXEC_APPROVAL_DECISIONS = ['allow-once', 'allow-always', 'deny'] as const;
export type ExecApprovalDecision = (typeof EXEC_APPROVAL_DECISIONS)[number];

/** Why a request was settled: an answer, nobody answering in time, or the asker going away. */
export type ExecApprovalReason = 'decided' | 'expired' | 'withdrawn';

/** How long a prompt waits for an answer unless the asker wants less. */
export const DEFAULT_EXEC_APPROVAL_TIMEOUT_MS = 2 * 60_000;
/** The gateway's bounds on the asker's `timeoutMs`. */
export const MIN_EXEC_APPROVAL_TIMEOUT_MS = 1_000;
export const MAX_EXEC_APPROVAL_TIMEOUT_MS = 2 * 60_000;

/** The answer to `exec.approval.request`. */
export interface ExecApprovalAnswer {
  id: string;
  decision: ExecApprovalDecision;
  reason: ExecApprovalReason;
  decidedBy: string | null;
}

export type ExecHost = 'gateway' | 'node';

/** A pending prompt as operators see it (`exec.approval.requested`, `exec.approval.list`). */
export interface ExecApprovalRequest {
  id: string;
  /** Which machine would run the program. */
  host: ExecHost;
  /** Set when host is "node". */
  nodeId?: string;
  /** The node's display name, or the gateway's host name. */
  hostName?: string;
  /** The whole argv: "allow always" approves this program with exactly these arguments. */
  argv: string[];
  cwd: string | null;
  /** Every variable the caller set for the command (the host's own base environment aside); {} when none. */
  env: Record<string, string>;
  /** The file argv[0] resolves to on that host, when the asker said: what "allow always" approves. */
  resolvedPath?: string;
  /** The agent session the command comes from, when known. */
  sessionKey: string | null;
  createdAtMs: number;
  expiresAtMs: number;
}

/** The exec-approvals file in the reference's schema (validated by common/exec/exec-approvals-file). */
export interface ExecAllowlistEntry {
  id?: string;
  /** An absolute path or `~/` path, with `*`, `**`, `?` globs; or a bare name looked up on the host's PATH. */
  pattern: string;
  source?: 'allow-always';
  commandText?: string;
  /** The reference's argument pattern; nestclaw does not interpret it, so an entry holding one allows nothing here. */
  argPattern?: string;
  lastUsedAt?: number;
  lastUsedCommand?: string;
  lastResolvedPath?: string;
  /** nestclaw: argument patterns argv[1..] must fit (common/exec/args-pattern); absent: any arguments. */
  args?: string[];
  /** nestclaw: variables beyond the safe list that callers may set for this program. */
  env?: string[];
  note?: string;
}

export interface ExecApprovalsDefaults {
  security?: 'deny' | 'allowlist' | 'full';
  ask?: 'off' | 'on-miss' | 'always';
  askFallback?: 'deny' | 'allowlist' | 'full';
  autoAllowSkills?: boolean;
}

export interface ExecApprovalsAgent extends ExecApprovalsDefaults {
  allowlist?: ExecAllowlistEntry[];
  /** The reference's MCP tool grants; kept as written, not used here. */
  mcpTools?: unknown[];
}

export interface ExecApprovalsFile {
  version: 1;
  /** The reference's local prompt socket; kept, never sent over the wire with its token. */
  socket?: { path?: string; token?: string };
  defaults?: ExecApprovalsDefaults;
  agents?: Record<string, ExecApprovalsAgent>;
}

/** `exec.approvals.get` / `.node.get` and the answer to their `set`: the reference's snapshot, plus nestclaw's flags. */
export interface ExecAllowlistSnapshot {
  /** The gateway host's file is named without its folder: a gateway host path never goes over the wire. */
  path: string;
  exists: boolean;
  /** sha256 of the file's text; send it back as `baseHash`. */
  hash: string;
  file: ExecApprovalsFile;
  /** Nodes only: false when the node refuses remote edits (`node run --no-remote-policy`). */
  remoteEdits?: boolean;
  /** The file is still in the earlier `{allow: [...]}` form, shown migrated; the next write converts it. */
  migrated?: boolean;
}
