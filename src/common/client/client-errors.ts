import type { ErrorShape } from '../protocol';

export type GatewayFailureKind =
  /** Nothing answered: connection refused, DNS failure, network unreachable. */
  | 'unreachable'
  /** Something answered too slowly: connect, handshake or a request. */
  | 'timeout'
  /** The server's certificate did not match the pinned fingerprint. */
  | 'tls-mismatch'
  /** The server's certificate is not trusted and nothing pinned it. */
  | 'tls-untrusted'
  /** The HTTP upgrade was refused (Origin, credentials in the URL, not a gateway). */
  | 'upgrade-refused'
  /** The gateway refused the connect request (auth, pairing, protocol). */
  | 'handshake-refused'
  /** The gateway answered a request with an error. */
  | 'gateway-error'
  /** The socket closed while we were waiting. */
  | 'closed'
  /** The peer does not speak this protocol. */
  | 'protocol';

export interface GatewayFailureInfo {
  error?: ErrorShape;
  closeCode?: number;
  closeReason?: string;
  httpStatus?: number;
  expectedFingerprint?: string;
  seenFingerprint?: string;
  cause?: string;
}

/** Every failure the client reports; `kind` tells the caller what to suggest. */
export class GatewayClientError extends Error {
  constructor(
    readonly kind: GatewayFailureKind,
    message: string,
    readonly info: GatewayFailureInfo = {},
  ) {
    super(message);
    this.name = 'GatewayClientError';
  }
}

/** Maps a socket-level error to a failure kind with a plain message. */
export function classifySocketError(error: Error & { code?: string }): GatewayClientError {
  if (error instanceof GatewayClientError) return error;
  const code = error.code ?? '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EADDRNOTAVAIL'].includes(code)) {
    return new GatewayClientError('unreachable', `${describeCode(code)} (${code})`, { cause: code });
  }
  if (code === 'ETIMEDOUT') return new GatewayClientError('timeout', 'the connection timed out', { cause: code });
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new GatewayClientError('tls-untrusted', `the gateway's TLS certificate is not trusted (${code})`, { cause: code });
  }
  if (/WRONG_VERSION_NUMBER|EPROTO/.test(code) || /wrong version number/i.test(error.message)) {
    return new GatewayClientError('protocol', 'TLS handshake failed: is the gateway serving plain ws:// on that port?', {
      cause: code || undefined,
    });
  }
  return new GatewayClientError('unreachable', error.message || 'connection failed', { cause: code || undefined });
}

function describeCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing is listening there';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name could not be resolved';
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      return 'the host is not reachable';
  }
}
