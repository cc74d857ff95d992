import type { NodeSummary, InvokeNodeResult, InvokeRequestEvent } from '../../common/protocol';

export type { NodeSummary, InvokeNodeResult, InvokeRequestEvent };
export interface InvokeNodeRequest {
  /** A node id, or a node's display name (exact, case-insensitive). */
  nodeId: string;
  command: string;
  params?: unknown;
  timeoutMs?: number;
  idempotencyKey: string;
  /** Who asks (see callerOf); idempotency keys are scoped to it. Unset for the gateway's own agent. */
  caller?: string;
}

/** What a node reports with `node.invoke.result`. */
export interface InvokeResultReport {
  id: string;
  nodeId: string;
  ok: boolean;
  payload?: unknown;
  payloadJSON?: string;
  error?: { code?: string; message?: string };
}

/** `details.nodeError` of a failed invoke. */
export interface NodeError {
  code: string;
  message: string;
}

export type CommandRefusal = 'denied' | 'not-allowlisted' | 'not-declared';
