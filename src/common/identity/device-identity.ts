import { generateKeyPairSync } from 'node:crypto';
import {
  base64UrlEncode,
  buildDeviceAuthPayload,
  deviceIdFromPublicKey,
  ed25519PublicKeyFromRaw,
  signDevicePayload,
  DeviceAuthFields,
  DeviceAuthVersion,
} from './device-signature';
import type { DeviceProof } from '../protocol';

export interface DeviceIdentity {
  deviceId: string;
  /** base64url of the raw 32-byte public key, as sent on the wire. */
  publicKey: string;
  privateKeyPem: string;
}

export function generateDeviceIdentity(): DeviceIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    deviceId: deviceIdFromPublicKey(raw),
    publicKey: base64UrlEncode(raw),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

export function publicKeyPem(identity: DeviceIdentity): string {
  const raw = Buffer.from(identity.publicKey, 'base64url');
  return ed25519PublicKeyFromRaw(raw).export({ format: 'pem', type: 'spki' }).toString();
}

/** The `device` block of connect params, signed for this handshake. */
export function signDeviceProof(
  identity: DeviceIdentity,
  fields: Omit<DeviceAuthFields, 'deviceId'>,
  version?: DeviceAuthVersion,
): DeviceProof {
  const payload = buildDeviceAuthPayload({ ...fields, deviceId: identity.deviceId }, version);
  return {
    id: identity.deviceId,
    publicKey: identity.publicKey,
    signature: signDevicePayload(identity.privateKeyPem, payload),
    signedAt: fields.signedAtMs,
    ...(fields.nonce !== undefined ? { nonce: fields.nonce } : {}),
  };
}
