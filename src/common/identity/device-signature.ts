import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface DeviceAuthFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  token?: string;
  /** Present → v2 payload; absent → v1 (accepted only from local connections). */
  nonce?: string;
}

/** The exact string a device signs (PROTOCOL.md, "Device identity and signature"). */
export function buildDeviceAuthPayload(fields: DeviceAuthFields): string {
  const version = fields.nonce === undefined ? 'v1' : 'v2';
  const parts = [
    version,
    fields.deviceId,
    fields.clientId,
    fields.clientMode,
    fields.role,
    fields.scopes.join(','),
    String(fields.signedAtMs),
    fields.token ?? '',
  ];
  if (fields.nonce !== undefined) parts.push(fields.nonce);
  return parts.join('|');
}

export function base64UrlEncode(bytes: Buffer): string {
  return bytes.toString('base64url');
}

export function base64UrlDecode(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/=+$/, ''), 'base64url');
}

/** Raw 32-byte Ed25519 key from base64url (the wire form) or PEM; undefined when neither. */
export function parseDevicePublicKey(encoded: string): Buffer | undefined {
  try {
    if (encoded.includes('BEGIN PUBLIC KEY')) {
      return rawFromKeyObject(createPublicKey(encoded));
    }
    const raw = base64UrlDecode(encoded);
    return raw && raw.length === 32 ? raw : undefined;
  } catch {
    return undefined;
  }
}

export function deviceIdFromPublicKey(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('hex');
}

export function verifyDeviceSignature(rawPublicKey: Buffer, payload: string, signatureB64Url: string): boolean {
  const signature = base64UrlDecode(signatureB64Url);
  if (!signature || signature.length !== 64) return false;
  try {
    return verify(null, Buffer.from(payload, 'utf8'), ed25519PublicKeyFromRaw(rawPublicKey), signature);
  } catch {
    return false;
  }
}

export function signDevicePayload(privateKeyPem: string, payload: string): string {
  return base64UrlEncode(sign(null, Buffer.from(payload, 'utf8'), createPrivateKey(privateKeyPem)));
}

export function ed25519PublicKeyFromRaw(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function rawFromKeyObject(key: KeyObject): Buffer | undefined {
  if (key.asymmetricKeyType !== 'ed25519') return undefined;
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(ED25519_SPKI_PREFIX.length);
}
