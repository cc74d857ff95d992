import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  base64UrlDecode,
  base64UrlEncode,
  buildDeviceAuthPayload,
  DeviceAuthFields,
  deviceIdFromPublicKey,
  ed25519PublicKeyFromRaw,
  parseDevicePublicKey,
  normalizeSignedLabel,
  signDevicePayload,
  signedTokenOf,
  verifyDeviceSignature,
} from './device-signature';

function ed25519KeyPair(): { raw: Buffer; privateKeyPem: string; publicKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    raw: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

const FIELDS: DeviceAuthFields = {
  deviceId: 'abc123',
  clientId: 'cli',
  clientMode: 'cli',
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  signedAtMs: 1_700_000_000_000,
  token: 'tok',
  nonce: 'n-1',
};

describe(buildDeviceAuthPayload.name, () => {
  it('builds the v3 string: v2 plus platform and device family, normalized', () => {
    const fields = { ...FIELDS, platform: ' Linux ', deviceFamily: 'MacBookPro' };
    expect(buildDeviceAuthPayload(fields, 'v3')).toBe(
      'v3|abc123|cli|cli|operator|operator.read,operator.write|1700000000000|tok|n-1|linux|macbookpro',
    );
  });

  it('leaves platform and device family empty in v3 when the client sent none', () => {
    expect(buildDeviceAuthPayload(FIELDS, 'v3')).toBe(
      'v3|abc123|cli|cli|operator|operator.read,operator.write|1700000000000|tok|n-1||',
    );
  });

  it('builds the v2 string with the nonce last', () => {
    expect(buildDeviceAuthPayload(FIELDS)).toBe('v2|abc123|cli|cli|operator|operator.read,operator.write|1700000000000|tok|n-1');
  });

  it('builds the v1 string without a nonce', () => {
    // Arrange
    const { nonce: _nonce, ...v1 } = FIELDS;

    // Act / Assert
    expect(buildDeviceAuthPayload(v1)).toBe('v1|abc123|cli|cli|operator|operator.read,operator.write|1700000000000|tok');
  });

  it('leaves the token empty when there is none', () => {
    expect(buildDeviceAuthPayload({ ...FIELDS, token: undefined })).toBe(
      'v2|abc123|cli|cli|operator|operator.read,operator.write|1700000000000||n-1',
    );
  });

  it('leaves the scopes empty when there are none', () => {
    expect(buildDeviceAuthPayload({ ...FIELDS, role: 'node', scopes: [], token: undefined, nonce: undefined })).toBe(
      'v1|abc123|cli|cli|node||1700000000000|',
    );
  });

  it('treats an empty nonce as v2', () => {
    expect(buildDeviceAuthPayload({ ...FIELDS, nonce: '' })).toBe(
      'v2|abc123|cli|cli|operator|operator.read,operator.write|1700000000000|tok|',
    );
  });

  it('keeps the scope order the client gave', () => {
    expect(buildDeviceAuthPayload({ ...FIELDS, scopes: ['operator.write', 'operator.read'] })).toContain(
      '|operator.write,operator.read|',
    );
  });
});

describe(signDevicePayload.name, () => {
  it('produces a 64-byte signature in base64url without padding', () => {
    // Arrange
    const { privateKeyPem } = ed25519KeyPair();

    // Act
    const signature = signDevicePayload(privateKeyPem, 'payload');

    // Assert
    expect(signature).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
  });

  it('signs with the key of each PEM it is given, also once more keys than it keeps parsed have passed', () => {
    // Arrange
    const keys = Array.from({ length: 12 }, () => ed25519KeyPair());

    // Act: twice round, so the first keys are signed with again after they left the cache.
    const verdicts = [...keys, ...keys].map((key) =>
      verifyDeviceSignature(key.raw, 'payload', signDevicePayload(key.privateKeyPem, 'payload')),
    );
    const crossed = verifyDeviceSignature(keys[1].raw, 'payload', signDevicePayload(keys[0].privateKeyPem, 'payload'));

    // Assert
    expect(verdicts.every(Boolean)).toBe(true);
    expect(crossed).toBe(false);
  });
});

describe(verifyDeviceSignature.name, () => {
  const keys = ed25519KeyPair();
  const payload = buildDeviceAuthPayload({ ...FIELDS, deviceId: deviceIdFromPublicKey(keys.raw) });
  const signature = signDevicePayload(keys.privateKeyPem, payload);

  it('accepts a signature made with the matching private key', () => {
    expect(verifyDeviceSignature(keys.raw, payload, signature)).toBe(true);
  });

  it('accepts the signature with base64 padding appended', () => {
    expect(verifyDeviceSignature(keys.raw, payload, `${signature}==`)).toBe(true);
  });

  it('refuses a tampered payload', () => {
    // Arrange
    const tampered = payload.replace('operator.read,operator.write', 'operator.admin');

    // Act / Assert
    expect(tampered).not.toBe(payload);
    expect(verifyDeviceSignature(keys.raw, tampered, signature)).toBe(false);
  });

  it('refuses a tampered signature', () => {
    // Arrange
    const bytes = Buffer.from(signature, 'base64url');
    bytes[10] ^= 0x01;

    // Act / Assert
    expect(verifyDeviceSignature(keys.raw, payload, base64UrlEncode(bytes))).toBe(false);
  });

  it('refuses a signature from another key', () => {
    // Arrange
    const other = ed25519KeyPair();

    // Act / Assert
    expect(verifyDeviceSignature(other.raw, payload, signature)).toBe(false);
  });

  it.each<[string, string]>([
    ['a truncated signature', signature.slice(0, 40)],
    ['an empty signature', ''],
    ['a signature with characters outside base64url', `${signature.slice(0, -1)}+`],
    ['a standard-base64 signature with slashes', 'a/'.repeat(43)],
  ])('refuses %s', (_name, bad) => {
    expect(verifyDeviceSignature(keys.raw, payload, bad)).toBe(false);
  });

  it('returns false instead of throwing for a public key of the wrong length', () => {
    expect(verifyDeviceSignature(keys.raw.subarray(0, 31), payload, signature)).toBe(false);
  });
});

describe(parseDevicePublicKey.name, () => {
  const keys = ed25519KeyPair();

  it('decodes the raw key from base64url', () => {
    expect(parseDevicePublicKey(base64UrlEncode(keys.raw))?.equals(keys.raw)).toBe(true);
  });

  it('accepts base64url with padding', () => {
    // Arrange
    const padded = keys.raw.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

    // Act / Assert
    expect(padded.endsWith('=')).toBe(true);
    expect(parseDevicePublicKey(padded)?.equals(keys.raw)).toBe(true);
  });

  it('accepts a PEM SubjectPublicKeyInfo and returns the raw key', () => {
    // Act
    const raw = parseDevicePublicKey(keys.publicKeyPem);

    // Assert
    expect(raw).toHaveLength(32);
    expect(raw?.equals(keys.raw)).toBe(true);
  });

  it.each([[31], [33], [0], [64]])('refuses a %d-byte key', (length) => {
    expect(parseDevicePublicKey(base64UrlEncode(Buffer.alloc(length, 7)))).toBeUndefined();
  });

  it('refuses text that is not base64url', () => {
    expect(parseDevicePublicKey('not a key!')).toBeUndefined();
  });

  it('refuses a PEM key of another type', () => {
    // Arrange
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();

    // Act / Assert
    expect(parseDevicePublicKey(pem)).toBeUndefined();
  });

  it('refuses a broken PEM without throwing', () => {
    expect(parseDevicePublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toBeUndefined();
  });
});

describe(deviceIdFromPublicKey.name, () => {
  it('is the lowercase hex SHA-256 of the raw key', () => {
    // Arrange
    const { raw } = ed25519KeyPair();
    const expected = createHash('sha256').update(raw).digest('hex');

    // Act
    const id = deviceIdFromPublicKey(raw);

    // Assert
    expect(id).toBe(expected);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches a known SHA-256 vector', () => {
    // SHA-256 of 32 zero bytes.
    expect(deviceIdFromPublicKey(Buffer.alloc(32))).toBe('66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');
  });

  it('differs between keys', () => {
    expect(deviceIdFromPublicKey(ed25519KeyPair().raw)).not.toBe(deviceIdFromPublicKey(ed25519KeyPair().raw));
  });
});

describe(base64UrlDecode.name, () => {
  it.each<[string, string | undefined]>([
    ['aGVsbG8', 'hello'],
    ['aGVsbG8=', 'hello'],
    ['', ''],
    ['aGV+bG8', undefined],
    ['aGV/bG8', undefined],
    ['a=b', undefined],
    ['aGVsbG8===', undefined],
  ])('%p → %p', (text, expected) => {
    expect(base64UrlDecode(text)?.toString('utf8')).toBe(expected);
  });
});

describe(ed25519PublicKeyFromRaw.name, () => {
  it('round-trips the raw key through SubjectPublicKeyInfo', () => {
    // Arrange
    const { raw, publicKeyPem } = ed25519KeyPair();

    // Act
    const key = ed25519PublicKeyFromRaw(raw);

    // Assert
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(key.export({ format: 'pem', type: 'spki' }).toString()).toBe(publicKeyPem);
  });

  it('still gives each raw key its own key after many other keys passed through the bounded cache', () => {
    // Arrange
    const { raw, privateKeyPem } = ed25519KeyPair();
    const signature = signDevicePayload(privateKeyPem, 'payload');
    const first = ed25519PublicKeyFromRaw(raw);

    // Act
    const repeated = ed25519PublicKeyFromRaw(Buffer.from(raw));
    for (let i = 0; i < 300; i++) ed25519PublicKeyFromRaw(ed25519KeyPair().raw);
    const afterEviction = ed25519PublicKeyFromRaw(raw);

    // Assert
    expect(repeated).toBe(first);
    expect(afterEviction.equals(first)).toBe(true);
    expect(verifyDeviceSignature(raw, 'payload', signature)).toBe(true);
    expect(verifyDeviceSignature(ed25519KeyPair().raw, 'payload', signature)).toBe(false);
  });
});

describe(normalizeSignedLabel.name, () => {
  it.each([
    ['  Darwin ', 'darwin'],
    ['ÄPFEL', 'Äpfel'],
    ['İstanbul', 'İstanbul'],
    [undefined, ''],
  ])('%p → %p (only A-Z lowercased, trimmed)', (input, expected) => {
    expect(normalizeSignedLabel(input)).toBe(expected);
  });
});

describe(signedTokenOf.name, () => {
  it.each([
    [{ token: 't', deviceToken: 'd', bootstrapToken: 'b' }, 't'],
    [{ deviceToken: 'd', bootstrapToken: 'b' }, 'd'],
    [{ bootstrapToken: 'b' }, 'b'],
    [{}, ''],
    [undefined, ''],
  ])('%p → %p', (auth, expected) => {
    expect(signedTokenOf(auth)).toBe(expected);
  });
});
