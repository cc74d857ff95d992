import type { ExecApprovalsFile } from '../../common/exec/exec-approvals-file';
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

/** `exec.approvals.get` / `.node.get` and the answer to their `set`: the reference's snapshot, plus nestclaw's flags. */
export interface AllowlistSnapshot {
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
