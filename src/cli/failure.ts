import { GatewayClientError } from '../common/client';
import { formatFingerprint } from '../common/net';
import { ExitCode, UsageError } from './exit-codes';
import type { GatewayTarget } from './target';

export interface Failure {
  exitCode: number;
  message: string;
  /** Stable fields for --json output. */
  json: Record<string, unknown>;
}

/**
 * Turns any error from a gateway call into what the user reads: what failed,
 * the URL and where it came from, the config path, and the likely fix.
 */
export function describeFailure(error: unknown, target?: GatewayTarget): Failure {
  if (error instanceof UsageError) {
    return { exitCode: ExitCode.Usage, message: error.message, json: { ok: false, kind: 'usage', message: error.message } };
  }
  const where = target ? [`  target  ${target.url} (from ${target.urlSource})`, `  config  ${target.configPath}`] : [];
  const targetJson = target ? { target: { url: target.url, source: target.urlSource }, configPath: target.configPath } : {};
  if (!(error instanceof GatewayClientError)) {
    const text = error instanceof Error ? error.message : String(error);
    return {
      exitCode: ExitCode.Unreachable,
      message: [text, ...where].join('\n'),
      json: { ok: false, kind: 'internal', message: text, ...targetJson },
    };
  }
  const gatewayAnswered = error.kind === 'gateway-error' || error.kind === 'handshake-refused';
  if (target?.credentialSource) where.push(`  auth    from ${target.credentialSource}`);
  const fix = suggestFix(error, target);
  const message = [`${headline(error)}`, ...where, ...(fix ? [`  fix     ${fix}`] : [])].join('\n');
  return {
    exitCode: gatewayAnswered ? ExitCode.GatewayError : ExitCode.Unreachable,
    message,
    json: {
      ok: false,
      kind: error.kind,
      message: error.message,
      ...(error.info.error ? { error: error.info.error } : {}),
      ...targetJson,
      ...(fix ? { fix } : {}),
    },
  };
}

function headline(error: GatewayClientError): string {
  const shape = error.info.error;
  if (!shape) return `cannot reach the gateway: ${error.message}`;
  // Only a refused handshake is the gateway refusing us; a failed call is the gateway (or a node behind it) answering.
  const lead = error.kind === 'handshake-refused' ? 'gateway refused' : 'error';
  const nodeError = nodeErrorOf(shape.details);
  // Gateways before issue 12 left the node's own explanation in details only.
  const fromNode =
    nodeError && !shape.message.includes(nodeError.message) ? `\n  node    ${nodeError.code}: ${nodeError.message}` : '';
  return `${lead}: ${shape.code}: ${shape.message}${fromNode}`;
}

function nodeErrorOf(details: unknown): { code: string; message: string } | undefined {
  const nodeError = (details as { nodeError?: { code?: unknown; message?: unknown } } | undefined)?.nodeError;
  if (typeof nodeError?.code !== 'string' || typeof nodeError.message !== 'string') return undefined;
  return { code: nodeError.code, message: nodeError.message };
}

function suggestFix(error: GatewayClientError, target?: GatewayTarget): string | undefined {
  switch (error.kind) {
    case 'unreachable':
      // A TLS port hangs up on a plain HTTP upgrade without a word: the one thing a ws:// client sees.
      if (target?.url.startsWith('ws://') && (error.info.cause === 'ECONNRESET' || /socket hang up/i.test(error.message))) {
        return `the connection was dropped before any answer: if the gateway serves TLS (gateway.tls.enabled), use wss://${target.url.slice('ws://'.length)}`;
      }
      return 'is the gateway running (`nestclaw gateway run`)? For a remote gateway, is the SSH tunnel up (`nestclaw tunnel ssh user@host`)?';
    case 'timeout':
      return 'the gateway did not answer in time: check that the host and port are right, or raise --timeout';
    case 'closed':
      return error.info.closeCode === 1008
        ? `the gateway closed the connection (${error.info.closeReason || 'policy'})`
        : 'the connection dropped; try again, and check the gateway log';
    case 'tls-mismatch':
      return (
        `the certificate's SHA-256 is ${error.info.seenFingerprint ? formatFingerprint(error.info.seenFingerprint) : 'unknown'}, ` +
        `expected ${formatFingerprint(error.info.expectedFingerprint!)}. If the gateway's certificate changed on purpose, ` +
        'update gateway.remote.tlsFingerprint (or --tls-fingerprint); otherwise someone may be in the middle: do not connect'
      );
    case 'tls-untrusted':
      return 'pin the gateway certificate with --tls-fingerprint <sha256> (the gateway prints it at start and in `status`), or set gateway.remote.tlsFingerprint';
    case 'upgrade-refused':
      return error.info.httpStatus === 404 || error.info.httpStatus === undefined
        ? 'is that URL a nestclaw gateway?'
        : `the gateway refused the upgrade (HTTP ${error.info.httpStatus}); check the URL has no credentials in it`;
    case 'protocol':
      return 'check the URL scheme: ws:// for a plain gateway, wss:// for a TLS one';
    case 'handshake-refused':
      return authFix(error, target);
    default:
      return undefined;
  }
}

function authFix(error: GatewayClientError, target?: GatewayTarget): string | undefined {
  const code = error.info.error?.code;
  const text = error.info.error?.message ?? '';
  if (code === 'RATE_LIMITED') return 'too many failed attempts from this address: wait, then retry with the right secret';
  if (/token|password|device identity required/.test(text)) {
    if (!target?.credentialSource) {
      return 'no secret was found to send: pass --token, or run on the gateway host where nestclaw reads <stateDir>/gateway.token';
    }
    return `the secret from ${target.credentialSource} was refused: make it match the gateway's gateway.auth.token (or password)`;
  }
  return undefined;
}
