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
  /** Present → v2 or v3 payload; absent → v1 (accepted only from local connections). */
  nonce?: string;
  /** v3 only: the connect's client.platform and client.deviceFamily. */
  platform?: string;
  deviceFamily?: string;
}

/**
 * v1: no nonce (local only); v2: with the challenge nonce; v3 (protocol 4):
 * v2 plus the client's platform and device family, so a proof cannot be
 * replayed under another platform's command policy.
 */
export type DeviceAuthVersion = 'v1' | 'v2' | 'v3';

/** The exact string a device signs (PROTOCOL.md, "Device identity and signature"). */
export function buildDeviceAuthPayload(
  fields: DeviceAuthFields,
  version: DeviceAuthVersion = fields.nonce === undefined ? 'v1' : 'v2',
): string {
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
  if (version !== 'v1') parts.push(fields.nonce ?? '');
  if (version === 'v3') parts.push(normalizeSignedLabel(fields.platform), normalizeSignedLabel(fields.deviceFamily));
  return parts.join('|');
}

/**
 * Both ends must agree byte for byte: trimmed, and only A-Z lowercased
 * (a locale-aware toLowerCase would change other letters differently).
 */
export function normalizeSignedLabel(value: string | undefined): string {
  return (value ?? '').trim().replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** The token a device signs: the shared token, else its device token, else a bootstrap token, else none. */
export function signedTokenOf(auth: { token?: string; deviceToken?: string; bootstrapToken?: string } | undefined): string {
  return auth?.token ?? auth?.deviceToken ?? auth?.bootstrapToken ?? '';
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

/**
 * Parsing the PEM costs several times the signature itself, and a client
 * signs with its one identity on every (re)connect, so the parsed key is
 * kept. The PEM is already held by the caller's DeviceIdentity.
 */
const PRIVATE_KEY_CACHE_LIMIT = 8;
const parsedPrivateKeys = new Map<string, KeyObject>();

function privateKeyOf(privateKeyPem: string): KeyObject {
  const cached = parsedPrivateKeys.get(privateKeyPem);
  if (cached) return cached;
  const key = createPrivateKey(privateKeyPem);
  if (parsedPrivateKeys.size >= PRIVATE_KEY_CACHE_LIMIT) {
    parsedPrivateKeys.delete(parsedPrivateKeys.keys().next().value as string);
  }
  parsedPrivateKeys.set(privateKeyPem, key);
  return key;
}

export function signDevicePayload(privateKeyPem: string, payload: string): string {
  return base64UrlEncode(sign(null, Buffer.from(payload, 'utf8'), privateKeyOf(privateKeyPem)));
}

/**
 * Importing a key costs more than verifying with it, and the same few
 * devices reconnect all day, so imported keys are kept. Bounded: a peer
 * cycling through fresh keys only evicts the oldest entries.
 */
const KEY_CACHE_LIMIT = 256;
const importedKeys = new Map<string, KeyObject>();

export function ed25519PublicKeyFromRaw(raw: Buffer): KeyObject {
  const id = raw.toString('base64');
  const cached = importedKeys.get(id);
  if (cached) return cached;
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  if (importedKeys.size >= KEY_CACHE_LIMIT) importedKeys.delete(importedKeys.keys().next().value as string);
  importedKeys.set(id, key);
  return key;
}

function rawFromKeyObject(key: KeyObject): Buffer | undefined {
  if (key.asymmetricKeyType !== 'ed25519') return undefined;
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(ED25519_SPKI_PREFIX.length);
}
