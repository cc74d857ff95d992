/** Exec approvals on the wire (docs/protocol.md, "Exec approvals"); shared by the gateway, the node host and the CLI. */
export const ExecApprovalMethod = {
  Request: 'exec.approval.request',
  Resolve: 'exec.approval.resolve',
  List: 'exec.approval.list',
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
