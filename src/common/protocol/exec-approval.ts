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
