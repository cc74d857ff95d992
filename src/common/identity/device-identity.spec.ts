import { createHash, createPublicKey } from 'node:crypto';
import { generateDeviceIdentity, publicKeyPem, signDeviceProof } from './device-identity';
import { buildDeviceAuthPayload, parseDevicePublicKey, verifyDeviceSignature } from './device-signature';

describe(generateDeviceIdentity.name, () => {
  it('makes an id that is the SHA-256 of the base64url raw public key', () => {
    // Act
    const identity = generateDeviceIdentity();

    // Assert
    const raw = Buffer.from(identity.publicKey, 'base64url');
    expect(raw).toHaveLength(32);
    expect(identity.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(identity.deviceId).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(identity.privateKeyPem).toContain('BEGIN PRIVATE KEY');
  });

  it('makes a new key pair each time', () => {
    expect(generateDeviceIdentity().deviceId).not.toBe(generateDeviceIdentity().deviceId);
  });
});

describe(publicKeyPem.name, () => {
  it('returns a PEM that parses back to the same raw key', () => {
    // Arrange
    const identity = generateDeviceIdentity();

    // Act
    const pem = publicKeyPem(identity);

    // Assert
    expect(pem).toContain('BEGIN PUBLIC KEY');
    expect(createPublicKey(pem).asymmetricKeyType).toBe('ed25519');
    expect(parseDevicePublicKey(pem)?.toString('base64url')).toBe(identity.publicKey);
  });
});

describe(signDeviceProof.name, () => {
  const identity = generateDeviceIdentity();
  const fields = {
    clientId: 'cli',
    clientMode: 'cli',
    role: 'operator',
    scopes: ['operator.admin'],
    signedAtMs: 1_700_000_000_000,
    token: 'tok',
  };

  it('signs the v2 payload when a nonce is given', () => {
    // Act
    const proof = signDeviceProof(identity, { ...fields, nonce: 'n-9' });

    // Assert
    expect(proof).toEqual({
      id: identity.deviceId,
      publicKey: identity.publicKey,
      signature: expect.any(String),
      signedAt: fields.signedAtMs,
      nonce: 'n-9',
    });
    const payload = `v2|${identity.deviceId}|cli|cli|operator|operator.admin|1700000000000|tok|n-9`;
    expect(verifyDeviceSignature(Buffer.from(identity.publicKey, 'base64url'), payload, proof.signature)).toBe(true);
  });

  it('signs the v1 payload and sends no nonce key without a nonce', () => {
    // Act
    const proof = signDeviceProof(identity, fields);

    // Assert
    expect('nonce' in proof).toBe(false);
    const payload = buildDeviceAuthPayload({ ...fields, deviceId: identity.deviceId });
    expect(payload.startsWith('v1|')).toBe(true);
    expect(verifyDeviceSignature(Buffer.from(identity.publicKey, 'base64url'), payload, proof.signature)).toBe(true);
  });
});
