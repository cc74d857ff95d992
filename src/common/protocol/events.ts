/** Events this gateway emits today; hello-ok advertises exactly this list. */
export const GatewayEvent = {
  ConnectChallenge: 'connect.challenge',
  Tick: 'tick',
  Shutdown: 'shutdown',
  Presence: 'presence',
  Health: 'health',
} as const;
export type GatewayEvent = (typeof GatewayEvent)[keyof typeof GatewayEvent];
