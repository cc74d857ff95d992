import { DomainError, DomainErrorOptions } from '../../common/domain-error';
import type { CommandRefusal, NodeError } from './nodes.types';

export const NodesErrorCode = {
  NotConnected: 'NOT_CONNECTED',
  UnknownNode: 'UNKNOWN_NODE',
  AmbiguousName: 'AMBIGUOUS_NAME',
  CommandNotAllowed: 'COMMAND_NOT_ALLOWED',
  /** A command that edits a node's exec allowlist, reachable only through exec.approvals.node.*. */
  PolicyCommand: 'POLICY_COMMAND',
  /** The node ran the command and reported a failure. */
  NodeFailed: 'NODE_FAILED',
  TimedOut: 'TIMED_OUT',
  Disconnected: 'DISCONNECTED',
  ShuttingDown: 'SHUTTING_DOWN',
  ResultForOtherNode: 'RESULT_FOR_OTHER_NODE',
  InvalidParams: 'INVALID_PARAMS',
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
} as const;
export type NodesErrorCode = (typeof NodesErrorCode)[keyof typeof NodesErrorCode];

/**
 * A nodes failure. When a call reached (or lost) its node, `nodeError` says
 * what the node side reported; it is also sent as `details.nodeError`.
 */
export class NodesError extends DomainError<NodesErrorCode> {
  constructor(
    code: NodesErrorCode,
    message: string,
    options: DomainErrorOptions = {},
    readonly nodeError?: NodeError,
  ) {
    super(code, message, options);
  }
}

const LIST_HINT = 'see `nestclaw nodes list`';

const REFUSAL_HINTS: Record<CommandRefusal, (command: string, nodeId: string) => string> = {
  denied: (command) => `${command} is listed in gateway.nodes.denyCommands`,
  'not-allowlisted': (command) =>
    `${command} is not in the defaults for this node's platform; add it to gateway.nodes.allowCommands to allow it`,
  'not-declared': (command, nodeId) => `node ${nodeId} did not declare ${command} when it connected`,
};

function nodeLabel(nodeId: string, displayName: string | undefined): string {
  const shortId = nodeId.length > 12 ? `${nodeId.slice(0, 12)}…` : nodeId;
  return displayName !== undefined ? `node "${singleLine(displayName)}" (${shortId})` : `node ${shortId}`;
}

function singleLine(text: string): string {
  // Control characters are exactly what must not reach a terminal or a chat from a node-chosen name.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

/** A call that reached the point of asking a node and got no usable answer. */
const callFailed = (code: NodesErrorCode, message: string, nodeId: string, command: string, nodeError: NodeError) =>
  new NodesError(code, message, { details: { nodeId, command, nodeError } }, nodeError);

const invalidParams = (message: string, details: object) =>
  new NodesError(NodesErrorCode.InvalidParams, `invalid params: ${message}`, { details });

/**
 * Messages begin with the phrase PROTOCOL.md uses ("node not connected",
 * "node command not allowed"), then say what to do; clients should branch on
 * the code and `details`, never on the wording.
 */
export const NodesErrors = {
  notConnected: (nodeId: string) =>
    new NodesError(
      NodesErrorCode.NotConnected,
      `node not connected: ${nodeId} has no live connection to this gateway; ${LIST_HINT}`,
      { details: { nodeId, reason: 'not-connected' } },
    ),
  policyCommand: (command: string) =>
    new NodesError(
      NodesErrorCode.PolicyCommand,
      `node command not allowed: ${command} edits a node's exec allowlist; use exec.approvals.node.get/set (nestclaw approvals allowlist --node NAME), which needs operator.admin`,
      { details: { command, reason: 'policy-command' } },
    ),
  unknownNode: (ref: string) =>
    new NodesError(NodesErrorCode.UnknownNode, `unknown node: no node has the id or display name "${ref}"; ${LIST_HINT}`),
  ambiguousName: (name: string, nodeIds: string[]) =>
    new NodesError(
      NodesErrorCode.AmbiguousName,
      `ambiguous node name: "${name}" is the display name of ${nodeIds.length} nodes; use one of their ids instead`,
      { details: { name, nodeIds } },
    ),
  commandNotAllowed: (nodeId: string, command: string, reason: CommandRefusal, allowed: readonly string[]) =>
    new NodesError(NodesErrorCode.CommandNotAllowed, `node command not allowed: ${REFUSAL_HINTS[reason](command, nodeId)}`, {
      details: { nodeId, command, reason, allowedCommands: allowed },
    }),
  /**
   * The node's own message is the useful part (an exec refusal names the
   * program, the policy and the command that allows it), so it is in the
   * message every client shows, not only in details. It comes from a peer:
   * bounded by the result DTO, and stripped of control characters here so
   * it cannot forge lines in a chat or a terminal.
   */
  nodeFailed: (nodeId: string, displayName: string | undefined, command: string, nodeError: NodeError) =>
    new NodesError(
      NodesErrorCode.NodeFailed,
      `node error: ${command} failed on ${nodeLabel(nodeId, displayName)}: ${nodeError.code}: ${singleLine(nodeError.message)}`,
      { details: { nodeId, ...(displayName !== undefined ? { displayName } : {}), command, nodeError } },
      nodeError,
    ),
  timedOut: (nodeId: string, command: string, timeoutMs: number) =>
    callFailed(
      NodesErrorCode.TimedOut,
      `node timeout: node ${nodeId} did not answer ${command} within ${timeoutMs} ms; pass a larger timeoutMs if it needs longer`,
      nodeId,
      command,
      { code: 'TIMEOUT', message: `no result within ${timeoutMs} ms` },
    ),
  disconnected: (nodeId: string, command: string, reason: 'disconnected' | 'replaced') =>
    callFailed(
      NodesErrorCode.Disconnected,
      `node disconnected: node ${nodeId} went away before answering ${command}; the command may or may not have run`,
      nodeId,
      command,
      {
        code: 'DISCONNECTED',
        message:
          reason === 'replaced'
            ? 'the node reconnected on a new connection during the call'
            : 'the node disconnected during the call',
      },
    ),
  shuttingDown: (nodeId: string, command: string) =>
    callFailed(
      NodesErrorCode.ShuttingDown,
      `gateway shutting down: ${command} on node ${nodeId} was abandoned`,
      nodeId,
      command,
      {
        code: 'DISCONNECTED',
        message: 'the gateway is stopping',
      },
    ),
  resultForOtherNode: (claimed: string, own: string) =>
    new NodesError(
      NodesErrorCode.ResultForOtherNode,
      `node.invoke.result refused: nodeId "${claimed}" is not this connection's node id (${own})`,
      { details: { nodeId: claimed, reason: 'node-mismatch' } },
    ),
  invalidJson: (field: string) => invalidParams(`${field}: must be valid JSON text`, { fields: [field] }),
  jsonTooDeep: (field: string, maxDepth: number) =>
    invalidParams(`${field}: nests arrays/objects deeper than ${maxDepth} levels; send flatter data`, {
      fields: [field],
      maxDepth,
    }),
  unserializableParams: () => invalidParams('params: must be a value JSON can express', { fields: ['params'] }),
  idempotencyKeyReused: (key: string) =>
    new NodesError(
      NodesErrorCode.IdempotencyKeyReused,
      `idempotency key reused: "${key}" was already used for another command or other params; send a new idempotencyKey for a new request`,
      { details: { fields: ['idempotencyKey'], reason: 'idempotency-key-reused' } },
    ),
  invalidDisplayName: (problem: string) => invalidParams(`displayName: ${problem}`, { fields: ['displayName'] }),
};
