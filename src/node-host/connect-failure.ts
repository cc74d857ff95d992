import { GatewayClientError } from '../common/client';
import { ErrorCode, isNodeIdentityConflict } from '../common/protocol';

/** What the node host says about a failed connect attempt; it retries after every one. */
export type ConnectFailure =
  { kind: 'waiting-approval'; requestId?: string; message: string } | { kind: 'error'; reason: string; fix?: string };

export interface FailureContext {
  url: string;
  /** Where the secret came from (`--token`, `gateway.remote.token`...), for the fix. */
  credentialSource?: string;
}

export function describeConnectFailure(error: unknown, context: FailureContext): ConnectFailure {
  if (!(error instanceof GatewayClientError)) {
    return { kind: 'error', reason: error instanceof Error ? error.message : String(error) };
  }
  const shape = error.info.error;
  if (shape?.code === ErrorCode.NotPaired && /pairing required/i.test(shape.message)) {
    const requestId = requestIdOf(shape.details);
    return {
      kind: 'waiting-approval',
      requestId,
      message: requestId
        ? `waiting for approval: run \`nestclaw devices approve ${requestId}\` on the gateway host`
        : 'waiting for approval: run `nestclaw devices list` on the gateway host and approve this device',
    };
  }
  const reason = shape ? `the gateway refused: ${shape.code}: ${shape.message}` : error.message;
  return { kind: 'error', reason, fix: suggestFix(error, context) };
}

function requestIdOf(details: unknown): string | undefined {
  const requestId = (details as { requestId?: unknown } | undefined)?.requestId;
  return typeof requestId === 'string' && requestId !== '' ? requestId : undefined;
}

/** A secret or device token was refused (as opposed to pairing, rate limits or protocol). */
function isAuthRefusal(error: GatewayClientError): boolean {
  const shape = error.info.error;
  return (
    error.kind === 'handshake-refused' &&
    shape !== undefined &&
    /unauthorized|token mismatch|password mismatch/i.test(shape.message)
  );
}

function suggestFix(error: GatewayClientError, context: FailureContext): string | undefined {
  const shape = error.info.error;
  switch (error.kind) {
    case 'unreachable':
      return `is the gateway running at ${context.url}? For a remote gateway, is the SSH tunnel up (\`nestclaw tunnel ssh user@host\`)?`;
    case 'timeout':
      return `nothing answered the handshake in time: check that ${context.url} is the gateway's host and port`;
    case 'tls-mismatch':
      return "the gateway's certificate does not match --tls-fingerprint: if it changed on purpose, pass the new fingerprint; otherwise do not connect";
    case 'tls-untrusted':
      return "pin the gateway's certificate with --tls-fingerprint <sha256> (the gateway prints it at start)";
    case 'upgrade-refused':
      return 'is that URL a nestclaw gateway? Credentials go in --token/--password, never in the URL';
    case 'protocol':
      return 'check the URL scheme: ws:// for a plain gateway, wss:// for a TLS one';
    case 'closed':
      if (isNodeIdentityConflict(error.info.closeReason)) {
        return "another host is connected with this node's identity (was its state dir copied?): give one of them its own identity by removing the identity directory in its state dir, then approve it again; until then this node retries slowly";
      }
      return error.info.closeReason
        ? `the gateway closed the connection: ${error.info.closeReason}`
        : 'the connection dropped during the handshake';
    case 'handshake-refused':
      if (shape?.code === ErrorCode.RateLimited)
        return 'too many failed attempts from this address; the node keeps retrying with backoff';
      if (shape?.code === ErrorCode.NotPaired || isAuthRefusal(error)) {
        return context.credentialSource
          ? `the secret from ${context.credentialSource} was refused: pass the gateway's token with --token (or its password with --password)`
          : "no secret was sent: pass the gateway's token with --token (or its password with --password)";
      }
      if (/protocol mismatch/i.test(shape?.message ?? ''))
        return 'update nestclaw on this node or on the gateway so both speak the same protocol';
      return undefined;
    default:
      return undefined;
  }
}
