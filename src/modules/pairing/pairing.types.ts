/** A device the owner approved; its public key pins which key may use its tokens. */
export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  roles: string[];
  scopes: string[];
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
  createdAtMs: number;
  approvedAtMs: number;
  lastSeenAtMs?: number;
}

/** A device waiting for the owner; one per device, reused when it asks again. */
export interface PairingRequest {
  requestId: string;
  deviceId: string;
  publicKey: string;
  role: string;
  scopes: string[];
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface DeviceTokenRecord {
  tokenHash: string;
  deviceId: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
  lastUsedAtMs?: number;
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
