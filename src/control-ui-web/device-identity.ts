// This browser's device identity: an Ed25519 key pair made with WebCrypto.
// The private key is created non-extractable and kept in IndexedDB (a
// CryptoKey survives structured cloning), so page scripts can sign with it but
// can never read it out.

export interface BrowserIdentity {
  deviceId: string;
  publicKey: string;
  sign(payload: string): Promise<string>;
}

const DB_NAME = 'nestclaw-control-ui';
const STORE = 'identity';
const KEY = 'device';

export async function loadOrCreateIdentity(): Promise<BrowserIdentity> {
  let pair = await readStoredPair().catch(() => undefined);
  if (!pair) {
    pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    // Without IndexedDB (private windows of some browsers) the identity lasts as long as the page.
    await storePair(pair).catch(() => undefined);
  }
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const deviceId = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', raw)));
  const privateKey = pair.privateKey;
  return {
    deviceId,
    publicKey: base64Url(raw),
    sign: async (payload) =>
      base64Url(new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, new TextEncoder().encode(payload)))),
  };
}

/** The v2 string of the protocol ("Device identity and signature"). */
export function deviceAuthPayload(fields: {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  token: string;
  nonce: string;
}): string {
  return [
    'v2',
    fields.deviceId,
    fields.clientId,
    fields.clientMode,
    fields.role,
    fields.scopes.join(','),
    String(fields.signedAtMs),
    fields.token,
    fields.nonce,
  ].join('|');
}

export function webCryptoEd25519Available(): boolean {
  return typeof crypto !== 'undefined' && crypto.subtle !== undefined;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function readStoredPair(): Promise<CryptoKeyPair | undefined> {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const request = db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY);
      request.onsuccess = () => {
        const value = request.result as CryptoKeyPair | undefined;
        resolve(value && value.privateKey && value.publicKey ? value : undefined);
      };
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

async function storePair(pair: CryptoKeyPair): Promise<void> {
  const db = await openDb();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put({ publicKey: pair.publicKey, privateKey: pair.privateKey }, KEY);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}
