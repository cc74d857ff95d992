import type { DevicePairingRequest, PairedDevice, NodePairStatus, NodePairRequest } from '../../common/protocol';

export type { PairedDevice, NodePairStatus, NodePairRequest };
/** A device waiting for the owner; one per device, reused when it asks again. The wire form leaves out its key. */
export interface PairingRequest extends DevicePairingRequest {
  publicKey: string;
}

export interface DeviceTokenRecord {
  tokenHash: string;
  deviceId: string;
  role: string;
  scopes: string[];
  issuedAtMs: number;
  lastUsedAtMs?: number;
}
