import type { Role } from './roles';
import type { StateVersion } from './frames';

export interface ClientInfo {
  id: string;
  version: string;
  platform: string;
  mode: string;
  displayName?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  instanceId?: string;
  /** Protocol 4: the client's build and its IANA time zone. */
  buildId?: string;
  timeZone?: string;
}

export interface DeviceProof {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce?: string;
}

export interface ConnectParams {
  minProtocol: number;
  maxProtocol: number;
  client: ClientInfo;
  role?: Role;
  scopes?: string[];
  caps?: string[];
  commands?: string[];
  permissions?: Record<string, boolean>;
  pathEnv?: string;
  /** Protocol 4 adds deviceToken (a device token kept apart from the shared token) and the reference's other tokens. */
  auth?: { token?: string; password?: string; deviceToken?: string; bootstrapToken?: string };
  device?: DeviceProof;
  locale?: string;
  userAgent?: string;
}

export interface PresenceEntry {
  key: string;
  host: string;
  ip?: string;
  version: string;
  platform: string;
  mode: string;
  deviceId?: string;
  roles: string[];
  /** Only operator.admin viewers see other clients' ip, deviceId, scopes, instanceId and tailscaleLogin. */
  scopes?: string[];
  instanceId?: string;
  /** The whois-verified Tailscale login of a connection admitted on its Tailscale Serve identity (our addition). */
  tailscaleLogin?: string;
  reason?: string;
  ts: number;
}

export interface GatewayPolicy {
  maxPayload: number;
  maxBufferedBytes: number;
  tickIntervalMs: number;
}

export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; commit?: string; host?: string; connId: string; buildId?: string; bootId?: string };
  features: { methods: string[]; events: string[]; capabilities?: string[] };
  snapshot: {
    presence: PresenceEntry[];
    health: unknown;
    stateVersion: StateVersion;
    uptimeMs: number;
    configPath?: string;
    stateDir?: string;
  };
  /** Protocol 4 always has it; deviceToken only when a device was admitted. */
  auth?: { deviceToken?: string; role: Role; scopes: string[]; issuedAtMs?: number };
  policy: GatewayPolicy & { attachments?: { maxBytes: number; maxImageBytes: number } };
}
