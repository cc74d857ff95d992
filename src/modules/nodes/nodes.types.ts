/** One node as `node.list` and `node.describe` show it (PROTOCOL.md, "Nodes"). */
export interface NodeSummary {
  nodeId: string;
  displayName?: string;
  platform?: string;
  version?: string;
  deviceFamily?: string;
  remoteIp?: string;
  caps: string[];
  /** What the node declared and the gateway's allowlist lets through. */
  commands: string[];
  permissions: Record<string, boolean>;
  connectedAtMs?: number;
  paired: boolean;
  connected: boolean;
}

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

export interface InvokeNodeResult {
  ok: true;
  nodeId: string;
  command: string;
  payload: unknown;
  payloadJSON: string | null;
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

/** The payload of the `node.invoke.request` event sent to a node. */
export interface InvokeRequestEvent {
  id: string;
  nodeId: string;
  command: string;
  paramsJSON?: string;
  timeoutMs: number;
  idempotencyKey: string;
}

/** `details.nodeError` of a failed invoke. */
export interface NodeError {
  code: string;
  message: string;
}

export type CommandRefusal = 'denied' | 'not-allowlisted' | 'not-declared';
