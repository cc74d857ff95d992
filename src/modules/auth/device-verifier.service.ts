import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import {
  buildDeviceAuthPayload,
  deviceIdFromPublicKey,
  parseDevicePublicKey,
  verifyDeviceSignature,
} from '../../common/identity';
import { DEVICE_SIGNATURE_MAX_SKEW_MS, DeviceProof } from '../../common/protocol';
import { AuthErrors } from './auth.errors';
import type { RpcError } from '../gateway/rpc/rpc-error';
import { safeEqual } from './safe-equal';

/** Everything the signed payload covers, as the gateway saw it on this connection. */
export interface DeviceCheckContext {
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  token?: string;
  challengeNonce: string;
  isLocal: boolean;
}

export type DeviceCheck = { ok: true; deviceId: string; publicKey: Buffer } | { ok: false; error: RpcError };

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
    if (Math.abs(this.clock.now() - device.signedAt) > DEVICE_SIGNATURE_MAX_SKEW_MS) {
      return { ok: false, error: AuthErrors.deviceSignatureExpired() };
    }
    if (device.nonce === undefined) {
      // v1 has no nonce and so can be replayed; only tolerable when the peer is on this machine.
      if (!ctx.isLocal) return { ok: false, error: AuthErrors.deviceNonceRequired() };
    } else if (!safeEqual(device.nonce, ctx.challengeNonce)) {
      return { ok: false, error: AuthErrors.deviceNonceMismatch() };
    }
    const payload = buildDeviceAuthPayload({
      deviceId: device.id,
      clientId: ctx.clientId,
      clientMode: ctx.clientMode,
      role: ctx.role,
      scopes: ctx.scopes,
      signedAtMs: device.signedAt,
      token: ctx.token,
      nonce: device.nonce,
    });
    if (!verifyDeviceSignature(publicKey, payload, device.signature)) {
      return { ok: false, error: AuthErrors.deviceSignatureInvalid() };
    }
    return { ok: true, deviceId: device.id.toLowerCase(), publicKey };
  }
}
