import type { ExecAllowlistSnapshot, ExecApprovalRequest, ExecApprovalResolution, ExecHost } from '../../common/protocol';

export type { ExecApprovalRequest, ExecApprovalResolution, ExecHost };

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

/** `exec.approvals.get` / `.node.get` and the answer to their `set` (the wire type). */
export type AllowlistSnapshot = ExecAllowlistSnapshot;
