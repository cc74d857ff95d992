import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSecretFileAtomic } from '../state/atomic-secret-file';
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
  try {
    fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it between our check and write; theirs wins.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readIdentity(file);
    throw error;
  }
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
export class DeviceTokenStore {
  private readonly file: string;

  constructor(stateDir: string) {
    this.file = path.join(identityDir(stateDir), 'device-tokens.json');
  }

  get(gatewayUrl: string, role: string): string | undefined {
    return this.readAll()[keyOf(gatewayUrl, role)]?.token;
  }

  set(gatewayUrl: string, role: string, token: string): void {
    const all = this.readAll();
    all[keyOf(gatewayUrl, role)] = { token, savedAtMs: Date.now() };
    this.writeAll(all);
  }

  delete(gatewayUrl: string, role: string): void {
    const all = this.readAll();
    if (!(keyOf(gatewayUrl, role) in all)) return;
    delete all[keyOf(gatewayUrl, role)];
    this.writeAll(all);
  }

  private readAll(): Record<string, { token: string; savedAtMs: number }> {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? parsed : {};
    } catch {
      return {};
    }
  }

  private writeAll(all: Record<string, { token: string; savedAtMs: number }>): void {
    ensurePrivateDir(path.dirname(this.file));
    writeSecretFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }
}

function keyOf(gatewayUrl: string, role: string): string {
  return `${role} ${gatewayUrl.replace(/\/+$/, '')}`;
}
