import type { HelloOk, PresenceEntry, ConnectParams } from './connect';
import type { GatewayEvent } from './events';
import type {
  ExecAllowlistSnapshot,
  ExecApprovalAnswer,
  ExecApprovalDecision,
  ExecApprovalRequest,
  ExecApprovalsFile,
} from './exec-approval';
import type {
  AgentFinalPayload,
  AgentStreamEvent,
  AuditFindingSummary,
  ChannelStatus,
  ChatEventPayload,
  ChatHistoryMessage,
  ChatMediaChunk,
  ChatSendResult,
  DeliveredMessage,
  DevicePairingRequest,
  ExecApprovalResolution,
  GatewayStatus,
  HealthSnapshot,
  InvokeNodeResult,
  InvokeRequestEvent,
  IssuedDeviceToken,
  NodePairRequest,
  NodeSummary,
  PairedDevice,
  PairingCodeRecord,
  PresenceChange,
  LogsTailResult,
  ModelChoice,
  SessionEntry,
  SessionPreview,
  SessionSummary,
} from './wire-types';
import type { ConfigGetResult, ConfigSchemaResult, ConfigWriteResult, ConfigChangedEvent } from './config-types';

/** sessions.patch fields the reference defines that nestclaw accepts only as null (unset). */
type SessionPatchReferenceField =
  | 'thinkingLevel'
  | 'verboseLevel'
  | 'reasoningLevel'
  | 'responseUsage'
  | 'elevatedLevel'
  | 'execHost'
  | 'execSecurity'
  | 'execAsk'
  | 'execNode'
  | 'spawnedBy'
  | 'sendPolicy'
  | 'groupActivation';

/** A method without params: callers may leave them out, the gateway validates `{}`. */
type NoParams = Record<string, never> | undefined;

/**
 * Every method the gateway serves: what it takes and what it answers. The
 * handlers declare their return type from here (`MethodReturn`), the client
 * types `call()` by name from here, so a field the server stops sending is a
 * compile error in the CLI and the Control UI, not a "-" in a table.
 * A meta-test (rpc-registry.spec) checks this map against the registry.
 */
export interface GatewayMethods {
  connect: { params: ConnectParams; result: HelloOk };

  health: { params: NoParams; result: HealthSnapshot };
  status: { params: NoParams; result: GatewayStatus };
  'system-presence': { params: NoParams; result: PresenceEntry[] };
  'security.audit': { params: NoParams; result: { ts: number; critical: number; findings: AuditFindingSummary[] } };

  'node.list': { params: NoParams; result: { ts: number; nodes: NodeSummary[] } };
  'node.describe': { params: { nodeId: string }; result: NodeSummary };
  'node.invoke': {
    params: { nodeId: string; command: string; params?: unknown; timeoutMs?: number; idempotencyKey: string };
    result: InvokeNodeResult;
  };
  'node.invoke.result': {
    params: {
      id: string;
      nodeId: string;
      ok: boolean;
      payload?: unknown;
      payloadJSON?: string;
      error?: { code?: string; message?: string };
    };
    result: { ok: true; ignored?: true };
  };
  'node.event': { params: { event: string; payload?: unknown; payloadJSON?: string }; result: { ok: true } };
  'node.rename': {
    params: { nodeId: string; displayName: string };
    result: { nodeId: string; displayName: string; persisted: boolean };
  };

  'device.pair.list': { params: NoParams; result: { pending: DevicePairingRequest[]; paired: PairedDevice[] } };
  'device.pair.approve': { params: { requestId: string }; result: { requestId: string; device: PairedDevice } };
  'device.pair.reject': { params: { requestId: string }; result: { requestId: string; deviceId: string; rejected: true } };
  'device.token.rotate': { params: { deviceId: string; role: string }; result: { deviceId: string } & IssuedDeviceToken };
  'device.token.revoke': {
    params: { deviceId: string; role?: string; unpair?: boolean };
    result: { deviceId: string; tokensRevoked: number; unpaired: boolean; disconnected: number };
  };

  'node.pair.request': {
    params: {
      nodeId: string;
      displayName?: string;
      platform?: string;
      version?: string;
      caps?: string[];
      commands?: string[];
    };
    result: { status: 'pending'; requestId: string; created: boolean };
  };
  'node.pair.list': { params: NoParams; result: { pending: NodePairRequest[]; paired: NodePairRequest[] } };
  'node.pair.approve': { params: { requestId: string }; result: { requestId: string; nodeId: string; token: string } };
  'node.pair.reject': { params: { requestId: string }; result: { requestId: string; nodeId: string; rejected: true } };
  'node.pair.verify': { params: { nodeId: string; token: string }; result: { ok: boolean; nodeId: string } };

  'channels.status': { params: { probe?: boolean } | undefined; result: { ts: number; channels: Record<string, ChannelStatus> } };
  'channel.pair.list': { params: { channel?: string } | undefined; result: { pending: PairingCodeRecord[] } };
  'channel.pair.approve': {
    params: { channel: string; code: string };
    result: { channel: string; code: string; senderId: string; senderName?: string };
  };
  send: {
    params: { to: string; message: string; channel?: string; accountId?: string; sessionKey?: string; idempotencyKey: string };
    result: DeliveredMessage;
  };

  agent: {
    params: {
      message: string;
      sessionKey?: string;
      channel?: string;
      to?: string;
      deliver?: boolean;
      timeout?: number;
      idempotencyKey: string;
      accountId?: string;
      extraSystemPrompt?: string;
      thinking?: string;
      lane?: string;
      label?: string;
    };
    result: AgentFinalPayload;
  };
  'agent.wait': { params: { runId: string; timeoutMs?: number }; result: AgentFinalPayload };
  'chat.send': {
    params: { sessionKey: string; message: string; idempotencyKey: string; timeoutMs?: number; thinking?: string };
    result: ChatSendResult;
  };
  'chat.abort': { params: { sessionKey: string; runId?: string }; result: { aborted: boolean } };
  'chat.history': {
    params: { sessionKey: string; limit?: number };
    result: { sessionKey: string; messages: ChatHistoryMessage[] };
  };
  /** A picture a `chat` event named, in pieces from `offset` (docs/browser.md). */
  'chat.media': { params: { mediaId: string; offset?: number }; result: ChatMediaChunk };
  'sessions.list': { params: NoParams; result: { sessions: SessionSummary[] } };
  'sessions.preview': {
    params: { keys: string[]; limit?: number; maxChars?: number };
    result: { ts: number; previews: SessionPreview[] };
  };
  /**
   * The reference's params; nestclaw applies label and model (null clears one) and refuses a value
   * for any other reference field by name (docs/protocol.md, "Sessions").
   */
  'sessions.patch': {
    params: { key: string; label?: string | null; model?: string | null; agentId?: string; expectedSessionId?: string } & Partial<
      Record<SessionPatchReferenceField, string | null>
    >;
    result: { ok: true; key: string; entry: SessionEntry };
  };
  'sessions.reset': {
    params: { key: string; agentId?: string; reason?: 'new' | 'reset'; expectedSessionId?: string };
    result: { ok: true; key: string; entry: SessionEntry | undefined };
  };
  'sessions.delete': {
    params: {
      key: string;
      agentId?: string;
      deleteTranscript?: boolean;
      expectedSessionId?: string;
      expectedLifecycleRevision?: string;
      expectedSessionUpdatedAt?: number;
      emitLifecycleHooks?: boolean;
      archivedOnly?: boolean;
    };
    result: { ok: true; key: string; deleted: boolean; archived: string[] };
  };
  'models.list': {
    params:
      | {
          agentId?: string;
          sessionKey?: string;
          authProfileId?: string;
          provider?: string;
          includeDetails?: boolean;
          includeProviderCapabilities?: boolean;
          includeDefaultModels?: boolean;
          preparedOnly?: boolean;
          refresh?: boolean;
          view?: 'default' | 'configured' | 'provider-config' | 'all';
        }
      | undefined;
    result: { models: ModelChoice[] };
  };
  'logs.tail': { params: { cursor?: number; limit?: number; maxBytes?: number } | undefined; result: LogsTailResult };

  'exec.approval.request': {
    params: { argv: string[]; cwd?: string; resolvedPath?: string; sessionKey?: string; timeoutMs?: number };
    result: ExecApprovalAnswer;
  };
  'exec.approval.resolve': { params: { id: string; decision: ExecApprovalDecision }; result: ExecApprovalResolution };
  'exec.approval.list': { params: NoParams; result: { ts: number; pending: ExecApprovalRequest[] } };
  /** The gateway host's exec allowlist file (operator.admin). */
  'exec.approvals.get': { params: NoParams; result: ExecAllowlistSnapshot };
  /** Replaces it whole; `baseHash` (the hash last read) is required once the file exists. */
  'exec.approvals.set': { params: { file: ExecApprovalsFile; baseHash?: string }; result: ExecAllowlistSnapshot };
  /** A node's file, relayed as `system.execApprovals.get`; `nodeId` may be a display name. */
  'exec.approvals.node.get': { params: { nodeId: string }; result: ExecAllowlistSnapshot };
  /** Relayed as `system.execApprovals.set`; the node validates again and may refuse. */
  'exec.approvals.node.set': {
    /** `native` (the current reference's host-native policy) is refused by name: nestclaw nodes have a file only. */
    params: { nodeId: string; file: ExecApprovalsFile; native?: never; baseHash?: string };
    result: ExecAllowlistSnapshot;
  };
  'config.get': { params: NoParams; result: ConfigGetResult };
  'config.schema': { params: NoParams; result: ConfigSchemaResult };
  /** Replaces the whole file with `raw` (JSON5). */
  'config.set': { params: { raw: string; baseHash?: string; restart?: boolean }; result: ConfigWriteResult };
  /** RFC 7396 merge patch: `patch` as an object, or `raw` as JSON5 text (the reference's form). */
  'config.patch': {
    params: {
      patch?: Record<string, unknown>;
      raw?: string;
      baseHash?: string;
      restart?: boolean;
      restartDelayMs?: number;
      note?: string;
      sessionKey?: string;
      /** Refused when not empty (docs/protocol.md, "Config"). */
      replacePaths?: string[];
    };
    result: ConfigWriteResult;
  };
  /** Like config.set, then restarts in place when a written key needs it (the reference's apply). */
  'config.apply': {
    params: { raw: string; baseHash?: string; restartDelayMs?: number; note?: string; sessionKey?: string };
    result: ConfigWriteResult;
  };
  /** The reference's HTTP-like call on its browser routes; each route answers its own shape (docs/browser.md). */
  'browser.request': {
    params: { method: string; path: string; query?: Record<string, unknown>; body?: unknown; timeoutMs?: number };
    result: unknown;
  };
}

export type GatewayMethod = keyof GatewayMethods;

/** `connect` is the handshake, answered before any method dispatch; everything else is an `@RpcMethod`. */
export type RpcMethodName = Exclude<GatewayMethod, 'connect'>;

// A record, not an array, so the compiler rejects a missing or an extra name.
const RPC_METHOD_SET: { readonly [M in RpcMethodName]: true } = {
  health: true,
  status: true,
  'system-presence': true,
  'security.audit': true,
  'node.list': true,
  'node.describe': true,
  'node.invoke': true,
  'node.invoke.result': true,
  'node.event': true,
  'node.rename': true,
  'device.pair.list': true,
  'device.pair.approve': true,
  'device.pair.reject': true,
  'device.token.rotate': true,
  'device.token.revoke': true,
  'node.pair.request': true,
  'node.pair.list': true,
  'node.pair.approve': true,
  'node.pair.reject': true,
  'node.pair.verify': true,
  'channels.status': true,
  'channel.pair.list': true,
  'channel.pair.approve': true,
  send: true,
  agent: true,
  'agent.wait': true,
  'chat.send': true,
  'chat.abort': true,
  'chat.history': true,
  'chat.media': true,
  'sessions.list': true,
  'sessions.preview': true,
  'sessions.patch': true,
  'sessions.reset': true,
  'sessions.delete': true,
  'models.list': true,
  'logs.tail': true,
  'exec.approval.request': true,
  'exec.approval.resolve': true,
  'exec.approval.list': true,
  'exec.approvals.get': true,
  'exec.approvals.set': true,
  'exec.approvals.node.get': true,
  'exec.approvals.node.set': true,
  'browser.request': true,
  'config.get': true,
  'config.schema': true,
  'config.set': true,
  'config.patch': true,
  'config.apply': true,
};

/** The methods hello-ok advertises: the gateway must serve exactly these (checked by handshake.e2e-spec). */
export const RPC_METHOD_NAMES: readonly RpcMethodName[] = Object.freeze(Object.keys(RPC_METHOD_SET) as RpcMethodName[]);
export type MethodParams<M extends GatewayMethod> = GatewayMethods[M]['params'];
export type MethodResult<M extends GatewayMethod> = GatewayMethods[M]['result'];
/** What an `@RpcMethod` handler may return: the result, now or later. */
export type MethodReturn<M extends GatewayMethod> = MethodResult<M> | Promise<MethodResult<M>>;

/** Every event the gateway emits and its payload; extending the record makes a name missing here a compile error. */
export interface GatewayEvents extends Record<GatewayEvent, unknown> {
  /** capabilities: protocol 4 (always empty here); gatewayId: additive, the gateway's stable id (docs/protocol.md, "Gateway id"). */
  'connect.challenge': { nonce: string; ts: number; capabilities?: string[]; gatewayId?: string };
  tick: { ts: number };
  shutdown: { reason: string; restartExpectedMs?: number };
  config: ConfigChangedEvent;
  presence: PresenceChange;
  health: HealthSnapshot;
  'device.pair.requested': DevicePairingRequest & { ts: number };
  'device.pair.resolved': {
    requestId: string;
    deviceId: string;
    decision: 'approved' | 'rejected';
    auto: boolean;
    ts: number;
  };
  'node.pair.requested': NodePairRequest & { ts: number };
  'node.pair.resolved': { requestId: string; nodeId: string; decision: 'approved' | 'rejected'; ts: number };
  'node.invoke.request': InvokeRequestEvent;
  'node.event': { nodeId: string; event: string; payload: unknown; ts: number };
  agent: AgentStreamEvent;
  chat: ChatEventPayload;
  'exec.approval.requested': ExecApprovalRequest;
  'exec.approval.resolved': ExecApprovalResolution;
}

export type EventPayload<E extends GatewayEvent> = GatewayEvents[E];
