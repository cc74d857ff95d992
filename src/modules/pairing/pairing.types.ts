import type { PairedDevice, NodePairStatus, NodePairRequest } from '../../common/protocol';

export type { PairedDevice, NodePairStatus, NodePairRequest };
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
