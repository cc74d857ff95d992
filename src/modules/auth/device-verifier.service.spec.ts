import { DeviceIdentity, generateDeviceIdentity, publicKeyPem, signDeviceProof } from '../../common/identity';
import { DeviceProof, ErrorCode } from '../../common/protocol';
import { toErrorShape } from '../gateway/rpc/wire-errors';
import { DeviceCheck, DeviceCheckContext, DeviceVerifierService } from './device-verifier.service';
import { FakeClock } from '../../../test/support/fake-clock';

const NOW = 1_700_000_000_000;
const TEN_MINUTES = 10 * 60 * 1000;

const CTX: DeviceCheckContext = {
  clientId: 'nestclaw-cli',
  clientMode: 'cli',
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  token: 'shared-token',
  challengeNonce: 'nonce-from-challenge',
  isLocal: false,
  protocol: 3,
};

/** A proof signed over exactly what `ctx` describes, unless `overrides` change the signed fields. */
function proofFor(
  identity: DeviceIdentity,
  ctx: DeviceCheckContext,
  overrides: Partial<{ signedAtMs: number; nonce: string | undefined; scopes: string[]; token: string; role: string }> = {},
): DeviceProof {
  return signDeviceProof(identity, {
    clientId: ctx.clientId,
    clientMode: ctx.clientMode,
    role: ctx.role,
    scopes: ctx.scopes,
    signedAtMs: NOW,
    token: ctx.token,
    nonce: ctx.challengeNonce,
    ...overrides,
  });
}

function errorMessage(result: DeviceCheck): string {
  if (result.ok) throw new Error('expected the device check to fail');
  expect(toErrorShape(result.error).shape.code).toBe(ErrorCode.InvalidRequest);
  return result.error.message;
}

describe(DeviceVerifierService.name, () => {
  const identity = generateDeviceIdentity();
  let clock: FakeClock;
  let verifier: DeviceVerifierService;

  beforeEach(() => {
    clock = new FakeClock();
    verifier = new DeviceVerifierService(clock);
  });

  describe('verify', () => {
    describe('protocol 4', () => {
      const v4 = { ...CTX, protocol: 4, platform: 'Linux', deviceFamily: 'Server' };
      const signV3 = (ctx: DeviceCheckContext, overrides: Partial<{ signedAtMs: number; platform: string }> = {}) =>
        signDeviceProof(
          identity,
          {
            clientId: ctx.clientId,
            clientMode: ctx.clientMode,
            role: ctx.role,
            scopes: ctx.scopes,
            signedAtMs: NOW,
            token: ctx.token,
            nonce: ctx.challengeNonce,
            platform: ' linux',
            deviceFamily: 'SERVER ',
            ...overrides,
          },
          'v3',
        );

      it('accepts a v3 proof whose platform and family match after normalization', () => {
        expect(verifier.verify(signV3(v4), v4).ok).toBe(true);
      });

      it('still accepts a v2 proof', () => {
        expect(verifier.verify(proofFor(identity, v4), v4).ok).toBe(true);
      });

      it('refuses a v3 proof signed for another platform', () => {
        expect(errorMessage(verifier.verify(signV3(v4, { platform: 'darwin' }), v4))).toMatch(/device signature invalid/);
      });

      it('refuses a proof older than two minutes', () => {
        clock.ms = NOW + 2 * 60 * 1000 + 1;
        expect(errorMessage(verifier.verify(signV3(v4), v4))).toMatch(/device signature expired/);
      });

      it('refuses a proof without a nonce even from this machine', () => {
        const local = { ...v4, isLocal: true };
        expect(errorMessage(verifier.verify(proofFor(identity, local, { nonce: undefined }), local))).toMatch(
          /device nonce required/,
        );
      });
    });

    describe('accepts', () => {
      it('a valid v2 proof from a remote connection', () => {
        // Arrange
        const proof = proofFor(identity, CTX);

        // Act
        const result = verifier.verify(proof, CTX);

        // Assert
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.deviceId).toBe(identity.deviceId);
        expect(result.publicKey.toString('base64url')).toBe(identity.publicKey);
      });

      it('a valid v2 proof from a local connection', () => {
        // Arrange
        const ctx = { ...CTX, isLocal: true };

        // Act / Assert
        expect(verifier.verify(proofFor(identity, ctx), ctx).ok).toBe(true);
      });

      it('a v1 proof (no nonce) from a local connection', () => {
        // Arrange
        const ctx = { ...CTX, isLocal: true };
        const proof = proofFor(identity, ctx, { nonce: undefined });

        // Act
        const result = verifier.verify(proof, ctx);

        // Assert
        expect(proof.nonce).toBeUndefined();
        expect(result).toEqual({ ok: true, deviceId: identity.deviceId, publicKey: expect.any(Buffer) });
      });

      it('a proof without a token when the connection presented none', () => {
        // Arrange
        const ctx = { ...CTX, token: undefined };

        // Act / Assert
        expect(verifier.verify(proofFor(identity, ctx), ctx).ok).toBe(true);
      });

      it('a public key sent as PEM', () => {
        // Arrange
        const proof = { ...proofFor(identity, CTX), publicKey: publicKeyPem(identity) };

        // Act
        const result = verifier.verify(proof, CTX);

        // Assert
        expect(result.ok).toBe(true);
      });

      it.each([
        ['exactly 10 minutes old', -TEN_MINUTES],
        ['exactly 10 minutes ahead', TEN_MINUTES],
      ])('a signature %s', (_name, offset) => {
        // Arrange
        const proof = proofFor(identity, CTX, { signedAtMs: NOW + offset });

        // Act / Assert
        expect(verifier.verify(proof, CTX).ok).toBe(true);
      });
    });

    describe('refuses', () => {
      it('a v1 proof from a remote connection: nonce required', () => {
        // Arrange
        const proof = proofFor(identity, CTX, { nonce: undefined });

        // Act
        const message = errorMessage(verifier.verify(proof, CTX));

        // Assert
        expect(message).toMatch(/^device nonce required \(/);
      });

      it('a nonce other than the challenge: nonce mismatch', () => {
        // Arrange: correctly signed, but over a nonce from another connection.
        const proof = proofFor(identity, CTX, { nonce: 'someone-elses-nonce' });

        // Act
        const message = errorMessage(verifier.verify(proof, CTX));

        // Assert
        expect(message).toMatch(/^device nonce mismatch \(/);
      });

      it('a nonce mismatch from a local connection too', () => {
        // Arrange
        const ctx = { ...CTX, isLocal: true };
        const proof = proofFor(identity, ctx, { nonce: 'stale' });

        // Act / Assert
        expect(errorMessage(verifier.verify(proof, ctx))).toMatch(/^device nonce mismatch/);
      });

      it.each([
        ['older than 10 minutes', -TEN_MINUTES - 1],
        ['more than 10 minutes ahead', TEN_MINUTES + 1],
        ['an hour old', -60 * 60 * 1000],
      ])('a signature %s: expired', (_name, offset) => {
        // Arrange
        const proof = proofFor(identity, CTX, { signedAtMs: NOW + offset });

        // Act
        const message = errorMessage(verifier.verify(proof, CTX));

        // Assert
        expect(message).toMatch(/^device signature expired \(/);
      });

      it('a proof that becomes stale as the clock moves on', () => {
        // Arrange
        const proof = proofFor(identity, CTX);
        clock.ms = NOW + TEN_MINUTES + 1;

        // Act / Assert
        expect(errorMessage(verifier.verify(proof, CTX))).toMatch(/^device signature expired/);
      });

      it("an id that is not the key's SHA-256: identity mismatch", () => {
        // Arrange
        const other = generateDeviceIdentity();
        const proof = { ...proofFor(identity, CTX), id: other.deviceId };

        // Act
        const message = errorMessage(verifier.verify(proof, CTX));

        // Assert
        expect(message).toMatch(/^device identity mismatch \(/);
      });

      it("another device's key under this device's id: identity mismatch", () => {
        // Arrange
        const other = generateDeviceIdentity();
        const proof = { ...proofFor(identity, CTX), publicKey: other.publicKey };

        // Act / Assert
        expect(errorMessage(verifier.verify(proof, CTX))).toMatch(/^device identity mismatch/);
      });

      it.each([
        ['a 31-byte key', Buffer.alloc(31, 1).toString('base64url')],
        ['garbage', 'not-a-key!'],
        ['an empty string', ''],
      ])('%s as the public key', (_name, publicKey) => {
        // Arrange
        const proof = { ...proofFor(identity, CTX), publicKey };

        // Act / Assert
        expect(errorMessage(verifier.verify(proof, CTX))).toMatch(/^device public key invalid \(/);
      });

      it('a tampered signature', () => {
        // Arrange
        const proof = proofFor(identity, CTX);
        const bytes = Buffer.from(proof.signature, 'base64url');
        bytes[0] ^= 0xff;

        // Act
        const message = errorMessage(verifier.verify({ ...proof, signature: bytes.toString('base64url') }, CTX));

        // Assert
        expect(message).toMatch(/^device signature invalid \(/);
      });

      it('a signature that is not base64url', () => {
        // Arrange
        const proof = { ...proofFor(identity, CTX), signature: '***' };

        // Act / Assert
        expect(errorMessage(verifier.verify(proof, CTX))).toMatch(/^device signature invalid/);
      });

      it('a signature made by another key', () => {
        // Arrange
        const other = generateDeviceIdentity();
        const proof = { ...proofFor(identity, CTX), signature: proofFor(other, CTX).signature };

        // Act / Assert
        expect(errorMessage(verifier.verify(proof, CTX))).toMatch(/^device signature invalid/);
      });

      it('a signedAt changed after signing', () => {
        // Arrange
        const proof = { ...proofFor(identity, CTX), signedAt: NOW + 1 };

        // Act / Assert
        expect(errorMessage(verifier.verify(proof, CTX))).toMatch(/^device signature invalid/);
      });

      it.each<[string, Partial<DeviceCheckContext>]>([
        ['scopes (asked for admin, signed read/write)', { scopes: ['operator.admin'] }],
        ['scope order', { scopes: ['operator.write', 'operator.read'] }],
        ['token', { token: 'another-token' }],
        ['missing token', { token: undefined }],
        ['role', { role: 'node' }],
        ['client id', { clientId: 'other-client' }],
        ['client mode', { clientMode: 'webchat' }],
      ])('a signature over a different %s', (_name, changed) => {
        // Arrange: signed for CTX, presented on a connection that asks for something else.
        const proof = proofFor(identity, CTX);
        const ctx = { ...CTX, ...changed };

        // Act / Assert
        expect(errorMessage(verifier.verify(proof, ctx))).toMatch(/^device signature invalid/);
      });

      it('a v2 proof with its nonce removed, even from a local connection', () => {
        // Arrange: the v2 signature covers the nonce; presenting it as v1 must not verify.
        const ctx = { ...CTX, isLocal: true };
        const { nonce: _nonce, ...withoutNonce } = proofFor(identity, ctx);

        // Act / Assert
        expect(errorMessage(verifier.verify(withoutNonce, ctx))).toMatch(/^device signature invalid/);
      });
    });

    it('checks the key before the clock', () => {
      // Arrange
      const proof = { ...proofFor(identity, CTX, { signedAtMs: 0 }), publicKey: 'bad!' };

      // Act / Assert
      expect(errorMessage(verifier.verify(proof, CTX))).toMatch(/^device public key invalid/);
    });

    it('checks the clock before the nonce', () => {
      // Arrange
      const proof = proofFor(identity, CTX, { signedAtMs: 0, nonce: undefined });

      // Act / Assert
      expect(errorMessage(verifier.verify(proof, CTX))).toMatch(/^device signature expired/);
    });
  });
});
