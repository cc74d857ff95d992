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
  auth?: { token?: string; password?: string };
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
  server: { version: string; commit?: string; host?: string; connId: string };
  features: { methods: string[]; events: string[] };
  snapshot: {
    presence: PresenceEntry[];
    health: unknown;
    stateVersion: StateVersion;
    uptimeMs: number;
    configPath?: string;
    stateDir?: string;
  };
  auth?: { deviceToken: string; role: Role; scopes: string[]; issuedAtMs?: number };
  policy: GatewayPolicy;
}
