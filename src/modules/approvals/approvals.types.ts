import type { ExecApprovalDecision, ExecApprovalReason } from '../../common/protocol';

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
  argv: string[];
  cwd: string | null;
  /** The file argv[0] resolves to on that host, when the asker said: what "allow always" approves. */
  resolvedPath?: string;
  /** The agent session the command comes from, when known. */
  sessionKey: string | null;
  createdAtMs: number;
  expiresAtMs: number;
}

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
  resolvedPath?: string;
  sessionKey?: string;
  timeoutMs?: number;
}

export type ExecApprovalChange =
  | { type: 'requested'; request: ExecApprovalRequest }
  | { type: 'resolved'; request: ExecApprovalRequest; resolution: ExecApprovalResolution };
