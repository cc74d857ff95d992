import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSecretFileOnce, writeSecretFileAtomic } from '../state/atomic-secret-file';
import { ensurePrivateDir } from '../state/secret-file';
import { DeviceIdentity, generateDeviceIdentity } from './device-identity';
import { deviceIdFromPublicKey, parseDevicePublicKey } from './device-signature';

const IDENTITY_VERSION = 1;

export function identityDir(stateDir: string): string {
  return path.join(stateDir, 'identity');
}

/**
 * This machine's device key pair in `<stateDir>/identity/device.json` (0600),
 * created on first use. A corrupt file is an error, never silently replaced:
 * replacing it would orphan the pairing the old key holds.
 */
export function loadOrCreateDeviceIdentity(stateDir: string): DeviceIdentity {
  const file = path.join(identityDir(stateDir), 'device.json');
  if (fs.existsSync(file)) return readIdentity(file);
  ensurePrivateDir(identityDir(stateDir));
  const identity = generateDeviceIdentity();
  const record = { version: IDENTITY_VERSION, ...identity, createdAtMs: Date.now() };
  // Another process may have created it between our check and write; theirs wins.
  if (!createSecretFileOnce(file, `${JSON.stringify(record, null, 2)}\n`)) return readIdentity(file);
  return identity;
}

function readIdentity(file: string): DeviceIdentity {
  let record: unknown;
  try {
    record = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new Error(
      `${file} is not readable JSON; move it away to create a new device identity (the device must then pair again)`,
    );
  }
  if (!isConsistentIdentity(record)) {
    throw new Error(
      `${file} does not hold a valid device identity; move it away to create a new one (the device must then pair again)`,
    );
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return { deviceId: record.deviceId, publicKey: record.publicKey, privateKeyPem: record.privateKeyPem };
}

/** The id must hash the public key, and the private key must be that public key's partner. */
function isConsistentIdentity(record: unknown): record is DeviceIdentity {
  if (typeof record !== 'object' || record === null) return false;
  const { deviceId, publicKey, privateKeyPem } = record as Partial<DeviceIdentity>;
  if (typeof publicKey !== 'string' || typeof privateKeyPem !== 'string') return false;
  const raw = parseDevicePublicKey(publicKey);
  if (!raw || deviceId !== deviceIdFromPublicKey(raw)) return false;
  try {
    const derived = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'der', type: 'spki' }).subarray(-32);
    return derived.equals(raw);
  } catch {
    return false;
  }
}

/** Device tokens the gateway issued to this device, per gateway URL and role, in a 0600 file. */
interface StoredDeviceToken {
  token: string;
  savedAtMs: number;
  /** Legacy (URL-keyed) entries only: gateway ids that refused this token; it is never offered to them again. */
  refusedBy?: string[];
}

/** A stored token chosen for one connect, and how to find it again to adopt, forget or mark it. */
export interface DeviceTokenOffer {
  token: string;
  key: string;
  /** Stored before gateways announced an id: bound to a URL, not to a gateway. */
  legacy: boolean;
}

/**
 * Device tokens the gateways issued to this device, in
 * `<stateDir>/identity/device-tokens.json` (0600).
 *
 * A token is bound to the gateway that issued it, by the stable id that
 * gateway announces in `connect.challenge` (`<role> id:<gatewayId>`), so two
 * gateways answering at the same URL in turn (two SSH tunnels on one local
 * port) never see each other's tokens. Gateways that announce no id, and
 * tokens stored before ids existed, are keyed by URL (`<role> <url>`). Such a
 * legacy token is offered at most once to each gateway id at its URL: the
 * gateway that accepts it adopts it (it moves under that id), one that
 * refuses it is remembered so the token is not offered there again; the
 * token itself is kept, never lost, for the gateway that issued it.
 */
export class DeviceTokenStore {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(identityDir(stateDir), 'device-tokens.json');
  }

  get(gatewayUrl: string, role: string, gatewayId?: string): string | undefined {
    return this.offer(gatewayUrl, role, gatewayId)?.token;
  }

  /** The token to offer this gateway, if any. */
  offer(gatewayUrl: string, role: string, gatewayId?: string): DeviceTokenOffer | undefined {
    const all = this.readAll();
    if (gatewayId !== undefined) {
      const own = all[idKeyOf(gatewayId, role)];
      if (own) return { token: own.token, key: idKeyOf(gatewayId, role), legacy: false };
    }
    const legacy = all[keyOf(gatewayUrl, role)];
    if (!legacy || (gatewayId !== undefined && legacy.refusedBy?.includes(gatewayId))) return undefined;
    return { token: legacy.token, key: keyOf(gatewayUrl, role), legacy: true };
  }

  set(gatewayUrl: string, role: string, token: string, gatewayId?: string): void {
    const all = this.readAll();
    all[gatewayId !== undefined ? idKeyOf(gatewayId, role) : keyOf(gatewayUrl, role)] = { token, savedAtMs: Date.now() };
    this.writeAll(all);
  }

  delete(gatewayUrl: string, role: string, gatewayId?: string): void {
    this.forget(gatewayId !== undefined ? idKeyOf(gatewayId, role) : keyOf(gatewayUrl, role));
  }

  forget(key: string): void {
    const all = this.readAll();
    if (!(key in all)) return;
    delete all[key];
    this.writeAll(all);
  }

  /** A legacy token this gateway accepted was issued by it: it moves under the gateway's id. */
  adopt(offer: DeviceTokenOffer, role: string, gatewayId: string): void {
    const all = this.readAll();
    const entry = all[offer.key];
    if (!entry || entry.token !== offer.token) return;
    delete all[offer.key];
    all[idKeyOf(gatewayId, role)] ??= { token: entry.token, savedAtMs: entry.savedAtMs };
    this.writeAll(all);
  }

  /** A legacy token this gateway refused may belong to another gateway once at the same URL: kept, not offered here again. */
  markRefused(offer: DeviceTokenOffer, gatewayId: string): void {
    const all = this.readAll();
    const entry = all[offer.key];
    if (!entry || entry.refusedBy?.includes(gatewayId)) return;
    entry.refusedBy = [...(entry.refusedBy ?? []), gatewayId].slice(-16);
    this.writeAll(all);
  }

  private readAll(): Record<string, StoredDeviceToken> {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? parsed : {};
    } catch {
      return {};
    }
  }

  private writeAll(all: Record<string, StoredDeviceToken>): void {
    ensurePrivateDir(path.dirname(this.file));
    writeSecretFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }
}

function keyOf(gatewayUrl: string, role: string): string {
  return `${role} ${gatewayUrl.replace(/\/+$/, '')}`;
}

function idKeyOf(gatewayId: string, role: string): string {
  return `${role} id:${gatewayId}`;
}
