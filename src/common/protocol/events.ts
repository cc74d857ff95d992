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
} as const;
export type GatewayEvent = (typeof GatewayEvent)[keyof typeof GatewayEvent];
