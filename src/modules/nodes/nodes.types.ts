import { DEVICELESS_NODE_ID_PREFIX } from '../../common/protocol';
import type { NodeSummary, InvokeNodeResult, InvokeRequestEvent } from '../../common/protocol';
import type { ConnectionSession } from '../gateway/connection/connection';

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

/** How long node.invoke waits for a node by default, and at most. */
export const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;
export const MAX_INVOKE_TIMEOUT_MS = 10 * 60_000;

/**
 * Node id = device id when the node proved one, else the client id it
 * reported, namespaced: a node that proved nothing must not be able to take
 * the id (or, by naming, the calls) of a paired node (docs/protocol.md,
 * "Node identity").
 */
export function nodeIdOf(session: Pick<ConnectionSession, 'deviceId' | 'client'>): string {
  return session.deviceId ?? `${DEVICELESS_NODE_ID_PREFIX}${session.client.id}`;
}
