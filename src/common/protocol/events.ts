/** Events this gateway emits today; hello-ok advertises exactly this list. */
export const GatewayEvent = {
  ConnectChallenge: 'connect.challenge',
  Tick: 'tick',
  Shutdown: 'shutdown',
  Presence: 'presence',
  Health: 'health',
  DevicePairRequested: 'device.pair.requested',
  DevicePairResolved: 'device.pair.resolved',
  NodePairRequested: 'node.pair.requested',
  NodePairResolved: 'node.pair.resolved',
  /** To one node only: run a command (PROTOCOL.md, "Nodes"). */
  NodeInvokeRequest: 'node.invoke.request',
  /** To operators: an event a node reported with the node.event method. */
  NodeEvent: 'node.event',
  /** To operators: a piece of an agent run's stream (docs/protocol.md, "Agent and chat"). */
  Agent: 'agent',
  /** To operators: a run as a conversation (WebChat), delta and final states. */
  Chat: 'chat',
  /** To operators with operator.approvals: a host asks whether it may run a program. */
  ExecApprovalRequested: 'exec.approval.requested',
  /** To operators with operator.approvals: the first answer (or the expiry) settled a request. */
  ExecApprovalResolved: 'exec.approval.resolved',
  /** To operator.admin: the config changed (key paths only, never values), or an edit on disk was refused. */
  Config: 'config',
} as const;
export type GatewayEvent = (typeof GatewayEvent)[keyof typeof GatewayEvent];
