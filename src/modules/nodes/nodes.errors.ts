import { invalidRequest, unavailable } from '../gateway/rpc/rpc-error';
import type { CommandRefusal, NodeError } from './nodes.types';

const LIST_HINT = 'see `nestclaw nodes list`';

const REFUSAL_HINTS: Record<CommandRefusal, (command: string, nodeId: string) => string> = {
  denied: (command) => `${command} is listed in gateway.nodes.denyCommands`,
  'not-allowlisted': (command) =>
    `${command} is not in the defaults for this node's platform; add it to gateway.nodes.allowCommands to allow it`,
  'not-declared': (command, nodeId) => `node ${nodeId} did not declare ${command} when it connected`,
};

/**
 * Messages begin with the phrase PROTOCOL.md uses ("node not connected",
 * "node command not allowed"), then say what to do; clients should branch on
 * the code and `details`, never on the wording.
 */
export const NodesErrors = {
  notConnected: (nodeId: string) =>
    unavailable(`node not connected: ${nodeId} has no live connection to this gateway; ${LIST_HINT}`, {
      details: { nodeId, reason: 'not-connected' },
    }),
  unknownNode: (ref: string) => invalidRequest(`unknown node: no node has the id or display name "${ref}"; ${LIST_HINT}`),
  ambiguousName: (name: string, nodeIds: string[]) =>
    invalidRequest(
      `ambiguous node name: "${name}" is the display name of ${nodeIds.length} nodes; use one of their ids instead`,
      {
        details: { name, nodeIds },
      },
    ),
  commandNotAllowed: (nodeId: string, command: string, reason: CommandRefusal, allowed: readonly string[]) =>
    invalidRequest(`node command not allowed: ${REFUSAL_HINTS[reason](command, nodeId)}`, {
      details: { nodeId, command, reason, allowedCommands: allowed },
    }),
  nodeFailed: (nodeId: string, command: string, nodeError: NodeError) =>
    unavailable(`node error: ${command} failed on node ${nodeId} (${nodeError.code}); see details.nodeError`, {
      details: { nodeId, command, nodeError },
    }),
  timedOut: (nodeId: string, command: string, timeoutMs: number) =>
    unavailable(
      `node timeout: node ${nodeId} did not answer ${command} within ${timeoutMs} ms; pass a larger timeoutMs if it needs longer`,
      {
        details: { nodeId, command, nodeError: { code: 'TIMEOUT', message: `no result within ${timeoutMs} ms` } },
      },
    ),
  disconnected: (nodeId: string, command: string, reason: 'disconnected' | 'replaced') =>
    unavailable(`node disconnected: node ${nodeId} went away before answering ${command}; the command may or may not have run`, {
      details: {
        nodeId,
        command,
        nodeError: {
          code: 'DISCONNECTED',
          message:
            reason === 'replaced'
              ? 'the node reconnected on a new connection during the call'
              : 'the node disconnected during the call',
        },
      },
    }),
  shuttingDown: (nodeId: string, command: string) =>
    unavailable(`gateway shutting down: ${command} on node ${nodeId} was abandoned`, {
      details: { nodeId, command, nodeError: { code: 'DISCONNECTED', message: 'the gateway is stopping' } },
      retryable: true,
    }),
  resultForOtherNode: (claimed: string, own: string) =>
    invalidRequest(`node.invoke.result refused: nodeId "${claimed}" is not this connection's node id (${own})`, {
      details: { nodeId: claimed, reason: 'node-mismatch' },
    }),
  invalidJson: (field: string) =>
    invalidRequest(`invalid params: ${field}: must be valid JSON text`, { details: { fields: [field] } }),
  jsonTooDeep: (field: string, maxDepth: number) =>
    invalidRequest(`invalid params: ${field}: nests arrays/objects deeper than ${maxDepth} levels; send flatter data`, {
      details: { fields: [field], maxDepth },
    }),
  unserializableParams: () =>
    invalidRequest('invalid params: params: must be a value JSON can express', { details: { fields: ['params'] } }),
  idempotencyKeyReused: (key: string) =>
    invalidRequest(
      `idempotency key reused: "${key}" was already used for another command or other params; send a new idempotencyKey for a new request`,
      { details: { fields: ['idempotencyKey'], reason: 'idempotency-key-reused' } },
    ),
  invalidDisplayName: (problem: string) =>
    invalidRequest(`invalid params: displayName: ${problem}`, { details: { fields: ['displayName'] } }),
};
