import { DomainError } from '../../../common/domain-error';
import { ErrorCode, ErrorShape } from '../../../common/protocol';
import { AgentError, AgentErrorCode } from '../../agent/agent.errors';
import { ApprovalsError, ApprovalsErrorCode } from '../../approvals/approvals.errors';
import { AuthError, AuthErrorCode } from '../../auth/auth.errors';
import { BrowserModuleError, BrowserModuleErrorCode } from '../../browser/browser.errors';
import { ChannelsError, ChannelsErrorCode } from '../../channels/channels.errors';
import { ConfigError, ConfigErrorCode } from '../../config/config.errors';
import { ModelsError, ModelsErrorCode } from '../../models/models.errors';
import { NodesError, NodesErrorCode } from '../../nodes/nodes.errors';
import { PairingError, PairingErrorCode } from '../../pairing/pairing.errors';
import { SessionsError, SessionsErrorCode } from '../../sessions/sessions.errors';
import { RpcError } from './rpc-error';

/** What a module's error code becomes on the wire: the protocol's code, and whether the client may simply retry. */
interface WireError {
  code: ErrorCode;
  retryable?: boolean;
}

const REFUSED: WireError = { code: ErrorCode.InvalidRequest };
const UNAVAILABLE: WireError = { code: ErrorCode.Unavailable };
const BUSY: WireError = { code: ErrorCode.Unavailable, retryable: true };

/*
 * The one mapping from module errors to the protocol (PROTOCOL.md, "Errors").
 * Each table is a Record over its module's codes, so a new code does not
 * compile until it is given a wire code here.
 */
const AGENT: Record<AgentErrorCode, WireError> = {
  UNKNOWN_RUN: REFUSED,
  WAIT_TIMED_OUT: { code: ErrorCode.AgentTimeout, retryable: true },
};

const APPROVALS: Record<ApprovalsErrorCode, WireError> = {
  UNKNOWN: REFUSED,
  ALREADY_RESOLVED: REFUSED,
  TOO_MANY: BUSY,
  TOO_MANY_FOR_NODE: BUSY,
  GATEWAY_FILE_UNUSABLE: REFUSED,
  ALLOWLIST_REFUSED: REFUSED,
  NATIVE_POLICY: REFUSED,
  NODE_REFUSED: REFUSED,
  BAD_NODE_SNAPSHOT: UNAVAILABLE,
  NO_APPROVER: UNAVAILABLE,
};

/** A wrong secret or proof is INVALID_REQUEST, not a code of its own, so a refusal tells a prober nothing more. */
const AUTH: Record<AuthErrorCode, WireError> = {
  UNAUTHORIZED: REFUSED,
  RATE_LIMITED: { code: ErrorCode.RateLimited, retryable: true },
  DEVICE_IDENTITY_REQUIRED: { code: ErrorCode.NotPaired },
  DEVICE_PROOF_INVALID: REFUSED,
};

/** Only a timeout is worth retrying as is; a missing browser or a failed load needs the operator first. */
const BROWSER: Record<BrowserModuleErrorCode, WireError> = {
  DISABLED: REFUSED,
  INVALID_REQUEST: REFUSED,
  REFUSED: REFUSED,
  NOT_FOUND: REFUSED,
  TIMEOUT: BUSY,
  UNAVAILABLE: { code: ErrorCode.Unavailable, retryable: false },
};

const CHANNELS: Record<ChannelsErrorCode, WireError> = {
  UNKNOWN_CHANNEL: REFUSED,
  CHANNEL_DISABLED: REFUSED,
  NO_CHANNEL_ENABLED: REFUSED,
  CHANNEL_REQUIRED: REFUSED,
  NOT_LINKED: { code: ErrorCode.NotLinked, retryable: true },
  INVALID_TARGET: REFUSED,
  SEND_QUEUED: BUSY,
  SEND_FAILED: REFUSED,
  UNKNOWN_PAIRING_CODE: REFUSED,
};

const CONFIG: Record<ConfigErrorCode, WireError> = {
  BASE_HASH_REQUIRED: REFUSED,
  STALE_BASE_HASH: REFUSED,
  INVALID: REFUSED,
  NOT_JSON5: REFUSED,
  PATCH_NOT_OBJECT: REFUSED,
  PATCH_OR_RAW: REFUSED,
  FILE_INVALID: REFUSED,
  ENVIRONMENT_SECRET: REFUSED,
  RESTART_UNAVAILABLE: UNAVAILABLE,
  REPLACE_PATHS_UNSUPPORTED: REFUSED,
};

/** A node that is away, slow or failing is UNAVAILABLE; only the gateway stopping says "try again". */
const NODES: Record<NodesErrorCode, WireError> = {
  NOT_CONNECTED: UNAVAILABLE,
  UNKNOWN_NODE: REFUSED,
  AMBIGUOUS_NAME: REFUSED,
  COMMAND_NOT_ALLOWED: REFUSED,
  POLICY_COMMAND: REFUSED,
  NODE_FAILED: UNAVAILABLE,
  TIMED_OUT: UNAVAILABLE,
  DISCONNECTED: UNAVAILABLE,
  SHUTTING_DOWN: BUSY,
  RESULT_FOR_OTHER_NODE: REFUSED,
  INVALID_PARAMS: REFUSED,
  IDEMPOTENCY_KEY_REUSED: REFUSED,
};

/** The handshake closes on PAIRING_REQUIRED with "pairing required" (see HandshakeService). */
const PAIRING: Record<PairingErrorCode, WireError> = {
  PAIRING_REQUIRED: { code: ErrorCode.NotPaired },
  DEVICE_TOKEN_MISMATCH: REFUSED,
  DEVICE_TOKEN_REVOKED: REFUSED,
  REQUEST_NOT_FOUND: REFUSED,
  DEVICE_NOT_PAIRED: REFUSED,
  NODE_REQUEST_NOT_FOUND: REFUSED,
};

/** A failing model endpoint may recover by itself; a wrong model name or provider needs the operator. */
const MODELS: Record<ModelsErrorCode, WireError> = {
  ENDPOINT_FAILED: BUSY,
  UNKNOWN_MODEL: REFUSED,
  BUILTIN_HAS_NO_MODELS: REFUSED,
};

const SESSIONS: Record<SessionsErrorCode, WireError> = {
  UNKNOWN_SESSION: REFUSED,
  UNSUPPORTED_PATCH_FIELD: REFUSED,
  EMPTY_PATCH: REFUSED,
  STALE_SESSION: REFUSED,
  UNSUPPORTED_DELETE_GUARD: REFUSED,
  TRANSCRIPT_IS_PART_OF_SESSION: REFUSED,
};

function wireErrorOf(error: DomainError): WireError | undefined {
  if (error instanceof AgentError) return AGENT[error.code];
  if (error instanceof ApprovalsError) return APPROVALS[error.code];
  if (error instanceof AuthError) return AUTH[error.code];
  if (error instanceof BrowserModuleError) return BROWSER[error.code];
  if (error instanceof ChannelsError) return CHANNELS[error.code];
  if (error instanceof ConfigError) return CONFIG[error.code];
  if (error instanceof ModelsError) return MODELS[error.code];
  if (error instanceof NodesError) return NODES[error.code];
  if (error instanceof PairingError) return PAIRING[error.code];
  if (error instanceof SessionsError) return SESSIONS[error.code];
  return undefined;
}

/**
 * The wire code a module error is sent with. For callers that show a failure
 * the way an operator's RPC would see it (the agent's tool results).
 */
export function wireCodeOf(error: DomainError): ErrorCode | undefined {
  return wireErrorOf(error)?.code;
}

function domainShape(error: DomainError, wire: WireError): ErrorShape {
  const shape: ErrorShape = { code: wire.code, message: error.message };
  if (error.options.details !== undefined) shape.details = error.options.details;
  if (wire.retryable !== undefined) shape.retryable = wire.retryable;
  if (error.options.retryAfterMs !== undefined) shape.retryAfterMs = error.options.retryAfterMs;
  return shape;
}

/**
 * Maps anything a handler or the handshake throws to the wire shape. Unknown
 * errors (and a module error missing from the tables above) never leak their
 * message, which may hold paths or upstream text; the caller logs them.
 */
export function toErrorShape(error: unknown): { shape: ErrorShape; unexpected: boolean } {
  if (error instanceof RpcError) return { shape: error.toShape(), unexpected: false };
  if (error instanceof DomainError) {
    const wire = wireErrorOf(error);
    if (wire) return { shape: domainShape(error, wire), unexpected: false };
  }
  return {
    shape: { code: ErrorCode.Unavailable, message: 'internal gateway error; see the gateway log', retryable: true },
    unexpected: true,
  };
}
