/**
 * The protocol versions this code speaks: 3 (the January release's) and 4
 * (the current release's). A connect is accepted when the client's range
 * overlaps this one, and the highest common version wins.
 */
export const MIN_PROTOCOL_VERSION = 3;
export const MAX_PROTOCOL_VERSION = 4;
/** The highest version; what a gateway expects in a protocol-mismatch error's details. */
export const PROTOCOL_VERSION = MAX_PROTOCOL_VERSION;

/** The highest version both ranges hold, or undefined when they do not overlap. */
export function negotiateProtocol(minProtocol: number, maxProtocol: number): number | undefined {
  const version = Math.min(maxProtocol, MAX_PROTOCOL_VERSION);
  return version >= Math.max(minProtocol, MIN_PROTOCOL_VERSION) ? version : undefined;
}

export const DEFAULT_GATEWAY_PORT = 18789;

export interface GatewayLimits {
  maxPayload: number;
  maxBufferedBytes: number;
  tickIntervalMs: number;
  handshakeTimeoutMs: number;
  /** How long a slow consumer's socket may stay after its 1008 close frame before it is cut. */
  slowConsumerGraceMs: number;
}

export const DEFAULT_LIMITS: Readonly<GatewayLimits> = Object.freeze({
  maxPayload: 512 * 1024,
  maxBufferedBytes: 1.5 * 1024 * 1024,
  tickIntervalMs: 30_000,
  handshakeTimeoutMs: 10_000,
  slowConsumerGraceMs: 5_000,
});

export const CloseCode = {
  Normal: 1000,
  ProtocolMismatch: 1002,
  Policy: 1008,
  TooBig: 1009,
  /** Only when the gateway itself failed; the protocol's list has no code for that. */
  InternalError: 1011,
  ServiceRestart: 1012,
} as const;

export const ErrorCode = {
  InvalidRequest: 'INVALID_REQUEST',
  NotPaired: 'NOT_PAIRED',
  Unavailable: 'UNAVAILABLE',
  AgentTimeout: 'AGENT_TIMEOUT',
  NotLinked: 'NOT_LINKED',
  /** Only on handshake refusals, where the socket closes anyway (see docs/protocol.md). */
  RateLimited: 'RATE_LIMITED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A device signature older or newer than this is refused on a protocol 3 connection. */
export const DEVICE_SIGNATURE_MAX_SKEW_MS = 10 * 60 * 1000;
/** Protocol 4 narrows the window, as the current reference gateway does. */
export const DEVICE_SIGNATURE_MAX_SKEW_MS_V4 = 2 * 60 * 1000;
