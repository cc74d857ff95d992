import type { PresenceEntry } from './connect';
import type { ExecApprovalDecision, ExecApprovalReason, ExecApprovalRequest } from './exec-approval';

/*
 * The shapes the gateway sends, defined once for the server, the CLI, the
 * node host and the Control UI page. Type-only: the page imports this file
 * with `import type`, so nothing here may need Node or emit runtime code.
 */

/** One node as `node.list` and `node.describe` show it (PROTOCOL.md, "Nodes"). */
export interface NodeSummary {
  nodeId: string;
  displayName?: string;
  platform?: string;
  version?: string;
  deviceFamily?: string;
  remoteIp?: string;
  caps: string[];
  /** What the node declared and the gateway's allowlist lets through. */
  commands: string[];
  permissions: Record<string, boolean>;
  connectedAtMs?: number;
  /** When the gateway last saw a paired node: its last connect, or when it went away. */
  lastSeenAtMs?: number;
  paired: boolean;
  connected: boolean;
}

/** What a device said about itself when it asked to pair, kept on its request and, once approved, on its record. */
export interface DeviceSelfDescription {
  deviceId: string;
  scopes: string[];
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
  createdAtMs: number;
}

/** A device the owner approved; its public key pins which key may use its tokens. */
export interface PairedDevice extends DeviceSelfDescription {
  publicKey: string;
  roles: string[];
  approvedAtMs: number;
  lastSeenAtMs?: number;
}

/** A device waiting for the owner, as `device.pair.list` shows it (without its public key). */
export interface DevicePairingRequest extends DeviceSelfDescription {
  requestId: string;
  role: string;
  expiresAtMs: number;
}

export type NodePairStatus = 'pending' | 'approved' | 'rejected';

export interface NodePairRequest {
  requestId: string;
  nodeId: string;
  displayName?: string;
  platform?: string;
  version?: string;
  caps: string[];
  commands: string[];
  remoteIp?: string;
  status: NodePairStatus;
  createdAtMs: number;
  expiresAtMs: number;
  resolvedAtMs?: number;
}

/** A chat sender's pairing code waiting for the owner (`channel.pair.list`). */
export interface PairingCodeRecord {
  channel: string;
  code: string;
  senderId: string;
  senderName?: string;
  chatId?: string;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface SessionSummary {
  sessionKey: string;
  channel: string;
  displayName?: string;
  /** Set by an operator with sessions.patch. */
  label?: string;
  /** The model this session's runs use instead of agent.model (sessions.patch). */
  model?: string;
  chatId?: string;
  messageCount: number;
  lastMessageAtMs?: number;
  createdAtMs: number;
}

/** One session's settings and times, as sessions.patch and sessions.reset answer. */
export interface SessionEntry {
  sessionKey: string;
  /** Changes on every reset, so a client can tell "the same conversation" (expectedSessionId). */
  sessionId: string;
  channel: string;
  displayName?: string;
  label?: string;
  model?: string;
  generation: number;
  createdAtMs: number;
  updatedAtMs: number;
  lastMessageAtMs?: number;
}

/** The reference's SessionsPreviewEntry. */
export interface SessionPreview {
  key: string;
  status: 'ok' | 'empty' | 'missing';
  items: Array<{ role: TranscriptRole; text: string }>;
}

/** The reference's ModelChoice (models.list). */
export interface ModelChoice {
  id: string;
  name: string;
  provider: string;
}

/** The reference's `logs.tail` answer; `cursor` is a byte offset in the current log file. */
export interface LogsTailResult {
  file: string;
  cursor: number;
  size: number;
  lines: string[];
  truncated: boolean;
  reset: boolean;
}

export type TranscriptRole = 'user' | 'assistant' | 'tool' | 'system';

export interface ChatHistoryMessage {
  role: TranscriptRole;
  content: string;
  ts: number;
  runId?: string;
}

export interface ChannelState {
  /** Enabled in config with everything it needs to start (e.g. a bot token). */
  configured: boolean;
  /** Started and receiving. */
  running: boolean;
  /** The platform accepted our credentials (Telegram: getMe succeeded). */
  linked?: boolean;
  lastError?: string;
}

export interface ChannelProbe {
  ok: boolean;
  elapsedMs: number;
  /** Who we are on the platform, e.g. the bot's @username. */
  account?: { id: string; username?: string; name?: string };
  error?: string;
}

export interface ChannelStatus extends ChannelState {
  enabled: boolean;
  accountId?: string;
  /** How it receives: e.g. "polling" or "webhook". */
  mode?: string;
  probe?: ChannelProbe;
}

export interface HealthSnapshot {
  ok: boolean;
  ts: number;
  durationMs: number;
  channels: Record<string, ChannelState>;
  sessions: { count: number; recent: Array<Pick<SessionSummary, 'sessionKey' | 'channel' | 'lastMessageAtMs'>> };
  nodes: { connected: number };
  uptimeMs: number;
}

export interface GatewayStatus {
  version: string;
  host: string;
  uptimeMs: number;
  bind: { mode: string; hosts: readonly string[]; port: number };
  auth: { mode: string };
  tailscale: { mode: string; state: string; url?: string };
  tls: { enabled: boolean; fingerprintSha256?: string };
  channels: Record<string, ChannelState>;
  sessions: { count: number };
  nodes: { connected: number };
  connections: { operators: number; nodes: number };
  configPath?: string;
  stateDir?: string;
  state: { schema: number; createdAtMs: number };
}

export type AuditSeverity = 'critical' | 'warn' | 'info';

export interface AuditFindingSummary {
  id: string;
  severity: AuditSeverity;
  message: string;
  fix: string;
}

export type AgentRunStatus = 'ok' | 'error' | 'timeout' | 'aborted';

/** The final answer of `agent` and `agent.wait` (the first answer of `agent` is the `accepted` ack). */
export interface AgentFinalPayload {
  runId: string;
  sessionKey: string;
  status: AgentRunStatus;
  /** The answer, or the apology the user would see. */
  summary: string;
  /** Why the run did not succeed; short, never upstream text. */
  error?: string;
  durationMs: number;
  delivery?: { channel?: string; to: string; status: 'requested' | 'skipped'; reason?: string };
}

export interface AgentAccepted {
  runId: string;
  sessionKey?: string;
  status: 'accepted';
}

/** `chat.send`: started, still running under the same key, or the stored outcome of an earlier send. */
export type ChatSendResult = { runId: string; sessionKey: string; status: 'started' | 'in_flight' } | AgentFinalPayload;

export interface InvokeNodeResult {
  ok: true;
  nodeId: string;
  command: string;
  payload: unknown;
  payloadJSON: string | null;
}

export interface DeliveredMessage {
  messageId: string;
  channel: string;
  to: string;
}

export interface IssuedDeviceToken {
  deviceToken: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
}

/** The answer to `exec.approval.resolve` and the `exec.approval.resolved` event. */
export interface ExecApprovalResolution {
  id: string;
  decision: ExecApprovalDecision;
  decidedBy: string | null;
  reason: ExecApprovalReason;
  ts: number;
}

export type ChatState = 'delta' | 'final' | 'aborted' | 'error';

/**
 * A picture that belongs to the message (a browser screenshot). Only its id
 * travels in the event; operators fetch the bytes with `chat.media`.
 */
export interface ChatImagePart {
  type: 'image';
  mediaId: string;
  mimeType: 'image/png';
}

export interface ChatMessage {
  role: 'assistant';
  content: Array<{ type: 'text'; text: string } | ChatImagePart>;
  timestamp: number;
}

/** One piece of a picture, as `chat.media` answers it; `done` marks the last. */
export interface ChatMediaChunk {
  mediaId: string;
  mimeType: 'image/png';
  bytes: number;
  offset: number;
  dataBase64: string;
  done: boolean;
}

/** The `chat` event payload (PROTOCOL.md, "Events"). */
export interface ChatEventPayload {
  runId: string;
  sessionKey: string;
  seq: number;
  state: ChatState;
  message?: ChatMessage;
  errorMessage?: string;
}

/** One streamed piece of a run, sent to operators as the `agent` event. */
export interface AgentStreamEvent {
  runId: string;
  sessionKey: string;
  seq: number;
  stream: 'lifecycle' | 'assistant' | 'tool';
  ts: number;
  data: Record<string, unknown>;
}

/** The payload of the `node.invoke.request` event sent to a node. */
export interface InvokeRequestEvent {
  id: string;
  nodeId: string;
  command: string;
  paramsJSON?: string;
  timeoutMs: number;
  idempotencyKey: string;
}

export interface PresenceChange {
  ts: number;
  joined: PresenceEntry[];
  /** Who left and why (a connection's key, as in its presence entry). */
  left: Array<{ key: string; reason: string; ts: number }>;
  count: number;
  /** Too many changes to list: joined and left are empty; call system-presence for the full list. */
  truncated?: true;
}

export type { ExecApprovalRequest };
