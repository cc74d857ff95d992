import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDeviceIdentity, signDeviceProof } from './device-identity';
import { buildDeviceAuthPayload, parseDevicePublicKey, verifyDeviceSignature } from './device-signature';
import { DeviceTokenStore, identityDir, loadOrCreateDeviceIdentity } from './identity-store';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe(loadOrCreateDeviceIdentity.name, () => {
  let tempRoot: string;
  let stateDir: string;
  let file: string;

  beforeEach(() => {
    tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-identity-'));
    stateDir = path.join(tempRoot, 'state');
    file = path.join(stateDir, 'identity', 'device.json');
  });

  afterEach(() => {
    fs.rmSync(tempRoot, { recursive: true, force: true });
  });

  it('creates a 0600 device.json in a 0700 identity dir on first use', () => {
    // Act
    const identity = loadOrCreateDeviceIdentity(stateDir);

    // Assert
    expect(identityDir(stateDir)).toBe(path.join(stateDir, 'identity'));
    expect(modeOf(path.join(stateDir, 'identity'))).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(record).toEqual({
      version: 1,
      deviceId: identity.deviceId,
      publicKey: identity.publicKey,
      privateKeyPem: identity.privateKeyPem,
      createdAtMs: expect.any(Number),
    });
  });

  it('creates a key pair that signs and verifies', () => {
    // Arrange
    const identity = loadOrCreateDeviceIdentity(stateDir);
    const fields = { clientId: 'c', clientMode: 'cli', role: 'operator', scopes: [], signedAtMs: 1, token: 't', nonce: 'n' };

    // Act
    const proof = signDeviceProof(identity, fields);

    // Assert
    const payload = buildDeviceAuthPayload({ ...fields, deviceId: identity.deviceId });
    expect(verifyDeviceSignature(parseDevicePublicKey(identity.publicKey)!, payload, proof.signature)).toBe(true);
  });

  it('returns the same identity on later calls and leaves the file as it was', () => {
    // Arrange
    const first = loadOrCreateDeviceIdentity(stateDir);
    const written = fs.readFileSync(file, 'utf8');

    // Act
    const second = loadOrCreateDeviceIdentity(stateDir);

    // Assert
    expect(second).toEqual(first);
    expect(fs.readFileSync(file, 'utf8')).toBe(written);
  });

  it('uses an identity file someone else wrote', () => {
    // Arrange
    const existing = generateDeviceIdentity();
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify({ version: 1, ...existing }), { mode: 0o600 });

    // Act
    const loaded = loadOrCreateDeviceIdentity(stateDir);

    // Assert
    expect(loaded).toEqual(existing);
  });

  it('tightens a 0644 identity file to 0600 when reading it', () => {
    // Arrange
    const first = loadOrCreateDeviceIdentity(stateDir);
    fs.chmodSync(file, 0o644);

    // Act
    const loaded = loadOrCreateDeviceIdentity(stateDir);

    // Assert
    expect(loaded).toEqual(first);
    expect(modeOf(file)).toBe(0o600);
  });

  it('takes group and other access away from an existing identity dir', () => {
    // Arrange
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.chmodSync(path.dirname(file), 0o755);

    // Act
    loadOrCreateDeviceIdentity(stateDir);

    // Assert
    expect(modeOf(path.dirname(file))).toBe(0o700);
  });

  const other = generateDeviceIdentity();
  const mine = generateDeviceIdentity();
  it.each([
    ['not JSON', '{ this is not json', 'is not readable JSON; move it away to create a new device identity'],
    ['empty', '', 'is not readable JSON; move it away'],
    ['JSON without keys', '{}', 'does not hold a valid device identity; move it away to create a new one'],
    ['a JSON array', '[]', 'does not hold a valid device identity; move it away'],
    [
      'a device id that is not the hash of the public key',
      JSON.stringify({ version: 1, ...mine, deviceId: other.deviceId }),
      'does not hold a valid device identity; move it away',
    ],
    [
      'a public key that is not a key',
      JSON.stringify({ version: 1, ...mine, publicKey: 'AAAA' }),
      'does not hold a valid device identity; move it away',
    ],
    [
      'no private key',
      JSON.stringify({ version: 1, deviceId: mine.deviceId, publicKey: mine.publicKey }),
      'does not hold a valid device identity; move it away',
    ],
  ])('refuses a file that is %s, names it, and never overwrites it', (_label, content, message) => {
    // Arrange
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, content, { mode: 0o600 });

    // Act / Assert
    expect(() => loadOrCreateDeviceIdentity(stateDir)).toThrow(message);
    expect(() => loadOrCreateDeviceIdentity(stateDir)).toThrow(file);
    expect(() => loadOrCreateDeviceIdentity(stateDir)).toThrow('the device must then pair again');
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['device.json']);
  });
});

describe('loadOrCreateDeviceIdentity on a damaged file', () => {
  let stateDir: string;
  let file: string;
  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-identity-'));
    file = path.join(stateDir, 'identity', 'device.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
  });
  afterEach(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  it.each([
    ['null', () => 'null'],
    [
      "another key pair's private key",
      () => {
        const mine = generateDeviceIdentity();
        return JSON.stringify({ version: 1, ...mine, privateKeyPem: generateDeviceIdentity().privateKeyPem });
      },
    ],
    ['an unparsable private key', () => JSON.stringify({ version: 1, ...generateDeviceIdentity(), privateKeyPem: 'nope' })],
  ])('refuses %s with the move-it-away message and leaves the file alone', (_label, content) => {
    // Arrange
    const text = content();
    fs.writeFileSync(file, text, { mode: 0o600 });

    // Act / Assert
    expect(() => loadOrCreateDeviceIdentity(stateDir)).toThrow('move it away');
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });
});

describe(DeviceTokenStore.name, () => {
  let stateDir: string;
  let store: DeviceTokenStore;
  let file: string;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-tokens-'));
    store = new DeviceTokenStore(stateDir);
    file = path.join(stateDir, 'identity', 'device-tokens.json');
  });

  afterEach(() => {
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  describe('offer (tokens bound to gateway ids)', () => {
    const url = 'ws://127.0.0.1:18789';

    it("offers a gateway only its own token, never another gateway's at the same URL", () => {
      // Arrange
      store.set(url, 'operator', 'token-of-a', 'gw-aaaaaaaa');

      // Act / Assert
      expect(store.offer(url, 'operator', 'gw-aaaaaaaa')).toMatchObject({ token: 'token-of-a', legacy: false });
      expect(store.offer(url, 'operator', 'gw-bbbbbbbb')).toBeUndefined();
    });

    it('offers a URL-keyed token once per gateway id, and keeps it when refused', () => {
      // Arrange
      store.set(url, 'operator', 'old');
      const offer = store.offer(url, 'operator', 'gw-bbbbbbbb')!;

      // Act
      store.markRefused(offer, 'gw-bbbbbbbb');

      // Assert
      expect(store.offer(url, 'operator', 'gw-bbbbbbbb')).toBeUndefined();
      expect(store.offer(url, 'operator', 'gw-aaaaaaaa')).toMatchObject({ token: 'old', legacy: true });
      expect(store.get(url, 'operator')).toBe('old');
    });

    it('moves a URL-keyed token under the id of the gateway that accepted it', () => {
      // Arrange
      store.set(url, 'operator', 'old');
      const offer = store.offer(url, 'operator', 'gw-aaaaaaaa')!;

      // Act
      store.adopt(offer, 'operator', 'gw-aaaaaaaa');

      // Assert
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
        'operator id:gw-aaaaaaaa': expect.objectContaining({ token: 'old' }),
      });
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    });
  });

  describe('get', () => {
    it('returns undefined when nothing was stored', () => {
      expect(store.get('ws://127.0.0.1:18789', 'operator')).toBeUndefined();
      expect(fs.existsSync(file)).toBe(false);
    });

    it('returns undefined when the file is not JSON', () => {
      // Arrange
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, 'garbage');

      // Act / Assert
      expect(store.get('ws://127.0.0.1:18789', 'operator')).toBeUndefined();
    });
  });

  describe('set', () => {
    it('writes 0600 even over a stale temp file with a looser mode', () => {
      // Arrange
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.${process.pid}.tmp`, 'old', { mode: 0o644 });
      fs.chmodSync(`${file}.${process.pid}.tmp`, 0o644);

      // Act
      store.set('ws://127.0.0.1:18789', 'operator', 'tok');

      // Assert
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    });

    it('stores a token per URL and role in a 0600 file inside a 0700 dir', () => {
      // Act
      store.set('ws://127.0.0.1:18789', 'operator', 'op-local');
      store.set('ws://127.0.0.1:18789', 'node', 'node-local');
      store.set('wss://gw.example.net:443', 'operator', 'op-remote');

      // Assert
      expect(store.get('ws://127.0.0.1:18789', 'operator')).toBe('op-local');
      expect(store.get('ws://127.0.0.1:18789', 'node')).toBe('node-local');
      expect(store.get('wss://gw.example.net:443', 'operator')).toBe('op-remote');
      expect(store.get('wss://gw.example.net:443', 'node')).toBeUndefined();
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(path.dirname(file))).toBe(0o700);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['device-tokens.json']);
    });

    it('is read back by another store on the same state dir', () => {
      // Arrange
      store.set('ws://127.0.0.1:18789', 'operator', 'persisted');

      // Act / Assert
      expect(new DeviceTokenStore(stateDir).get('ws://127.0.0.1:18789', 'operator')).toBe('persisted');
    });

    it('replaces the token for the same URL and role', () => {
      // Arrange
      store.set('ws://127.0.0.1:18789', 'operator', 'old');

      // Act
      store.set('ws://127.0.0.1:18789', 'operator', 'new');

      // Assert
      expect(store.get('ws://127.0.0.1:18789', 'operator')).toBe('new');
    });

    it.each([
      ['ws://127.0.0.1:18789/', 'ws://127.0.0.1:18789'],
      ['ws://127.0.0.1:18789', 'ws://127.0.0.1:18789/'],
      ['wss://gw.example.net//', 'wss://gw.example.net'],
    ])('treats %s and %s as the same gateway', (setUrl, getUrl) => {
      // Act
      store.set(setUrl, 'operator', 'tok');

      // Assert
      expect(store.get(getUrl, 'operator')).toBe('tok');
    });

    it('keeps different ports and hosts apart', () => {
      // Act
      store.set('ws://127.0.0.1:18789', 'operator', 'a');

      // Assert
      expect(store.get('ws://127.0.0.1:18790', 'operator')).toBeUndefined();
      expect(store.get('ws://localhost:18789', 'operator')).toBeUndefined();
    });
  });

  describe('delete', () => {
    it('removes only that URL and role', () => {
      // Arrange
      store.set('ws://127.0.0.1:18789', 'operator', 'op');
      store.set('ws://127.0.0.1:18789', 'node', 'nd');

      // Act
      store.delete('ws://127.0.0.1:18789/', 'operator');

      // Assert
      expect(store.get('ws://127.0.0.1:18789', 'operator')).toBeUndefined();
      expect(store.get('ws://127.0.0.1:18789', 'node')).toBe('nd');
      expect(modeOf(file)).toBe(0o600);
    });

    it('does not create a file when there is nothing to delete', () => {
      // Act
      store.delete('ws://127.0.0.1:18789', 'operator');

      // Assert
      expect(fs.existsSync(file)).toBe(false);
    });
  });
});
