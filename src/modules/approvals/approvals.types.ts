import type { ExecApprovalDecision, ExecApprovalReason, ExecApprovalRequest, ExecHost } from '../../common/protocol';

export type { ExecApprovalRequest, ExecHost };

/** `exec.approval.resolved`. */
export interface ExecApprovalResolution {
  id: string;
  decision: ExecApprovalDecision;
  decidedBy: string | null;
  reason: ExecApprovalReason;
  ts: number;
}

/** What a host hands the service when it asks. */
export interface ExecApprovalAsk {
  host: ExecHost;
  nodeId?: string;
  hostName?: string;
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  resolvedPath?: string;
  sessionKey?: string;
  timeoutMs?: number;
}

export type ExecApprovalChange =
  | { type: 'requested'; request: ExecApprovalRequest }
  | { type: 'resolved'; request: ExecApprovalRequest; resolution: ExecApprovalResolution };
