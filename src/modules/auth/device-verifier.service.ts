import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import {
  buildDeviceAuthPayload,
  DeviceAuthVersion,
  deviceIdFromPublicKey,
  parseDevicePublicKey,
  verifyDeviceSignature,
} from '../../common/identity';
import { DEVICE_SIGNATURE_MAX_SKEW_MS, DEVICE_SIGNATURE_MAX_SKEW_MS_V4, DeviceProof } from '../../common/protocol';
import { AuthError, AuthErrors } from './auth.errors';
import { safeEqual } from './safe-equal';

/** Everything the signed payload covers, as the gateway saw it on this connection. */
export interface DeviceCheckContext {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  /** What the device signs as its token (signedTokenOf the connect's auth). */
  token?: string;
  challengeNonce: string;
  isLocal: boolean;
  /** The negotiated protocol: 4 requires the nonce and a fresher signature. */
  protocol: number;
  platform?: string;
  deviceFamily?: string;
}

export type DeviceCheck = { ok: true; deviceId: string; publicKey: Buffer } | { ok: false; error: AuthError };

/** Verifies a connect request's device proof (PROTOCOL.md, "Device identity and signature"). */
@Injectable()
export class DeviceVerifierService {
  constructor(private readonly clock: Clock) {}

  verify(device: DeviceProof, ctx: DeviceCheckContext): DeviceCheck {
    const publicKey = parseDevicePublicKey(device.publicKey);
    if (!publicKey) return { ok: false, error: AuthErrors.devicePublicKeyInvalid() };
    if (deviceIdFromPublicKey(publicKey) !== device.id.toLowerCase()) {
      return { ok: false, error: AuthErrors.deviceIdentityMismatch() };
    }
    const maxSkewMs = ctx.protocol >= 4 ? DEVICE_SIGNATURE_MAX_SKEW_MS_V4 : DEVICE_SIGNATURE_MAX_SKEW_MS;
    if (Math.abs(this.clock.now() - device.signedAt) > maxSkewMs) {
      return { ok: false, error: AuthErrors.deviceSignatureExpired() };
    }
    if (device.nonce === undefined) {
      // v1 has no nonce and so can be replayed; only tolerable when the peer is on this machine, and never on protocol 4.
      if (!ctx.isLocal || ctx.protocol >= 4) return { ok: false, error: AuthErrors.deviceNonceRequired() };
    } else if (!safeEqual(device.nonce, ctx.challengeNonce)) {
      return { ok: false, error: AuthErrors.deviceNonceMismatch() };
    }
    const fields = {
      deviceId: device.id,
      clientId: ctx.clientId,
      clientMode: ctx.clientMode,
      role: ctx.role,
      scopes: ctx.scopes,
      signedAtMs: device.signedAt,
      token: ctx.token,
      nonce: device.nonce,
      platform: ctx.platform,
      deviceFamily: ctx.deviceFamily,
    };
    // Current clients sign v3, January's v2; each proof matches at most one payload, so trying both is safe.
    const versions: DeviceAuthVersion[] = device.nonce === undefined ? ['v1'] : ['v3', 'v2'];
    if (
      !versions.some((version) => verifyDeviceSignature(publicKey, buildDeviceAuthPayload(fields, version), device.signature))
    ) {
      return { ok: false, error: AuthErrors.deviceSignatureInvalid() };
    }
    return { ok: true, deviceId: device.id.toLowerCase(), publicKey };
  }
}
