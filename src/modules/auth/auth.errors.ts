import { DomainError } from '../../common/domain-error';

export const AuthErrorCode = {
  /** A missing or wrong shared secret, or an unconfirmed Tailscale identity. */
  Unauthorized: 'UNAUTHORIZED',
  RateLimited: 'RATE_LIMITED',
  DeviceIdentityRequired: 'DEVICE_IDENTITY_REQUIRED',
  /** A device identity or its signature did not check out. */
  DeviceProofInvalid: 'DEVICE_PROOF_INVALID',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

export class AuthError extends DomainError<AuthErrorCode> {}

const unauthorized = (message: string) => new AuthError(AuthErrorCode.Unauthorized, `unauthorized: ${message}`);
const deviceRefused = (message: string, fix: string) => new AuthError(AuthErrorCode.DeviceProofInvalid, `${message} (${fix})`);

/** Handshake refusals; every message says how to fix it and none echoes a secret. */
export const AuthErrors = {
  tokenMissing: () =>
    unauthorized('gateway token missing (pass --token, or set gateway.remote.token / NESTCLAW_GATEWAY_TOKEN on the client)'),
  tokenMismatch: () => unauthorized('gateway token mismatch (set gateway.remote.token to match gateway.auth.token)'),
  passwordMissing: () =>
    unauthorized(
      'gateway password missing (pass --password, or set gateway.remote.password / NESTCLAW_GATEWAY_PASSWORD on the client)',
    ),
  passwordMismatch: () => unauthorized('gateway password mismatch (set gateway.remote.password to match gateway.auth.password)'),
  tailscaleIdentityUnverified: () =>
    unauthorized(
      'Tailscale identity not verified (`tailscale whois` of the forwarded address did not confirm the Tailscale-User-Login header; present the gateway token, or check that tailscaled runs on the gateway host)',
    ),
  rateLimited: (retryAfterMs: number) =>
    new AuthError(
      AuthErrorCode.RateLimited,
      `too many failed authentication attempts from this address; wait ${Math.ceil(retryAfterMs / 1000)} s and check the token or password`,
      { retryAfterMs },
    ),
  deviceIdentityRequired: () =>
    new AuthError(
      AuthErrorCode.DeviceIdentityRequired,
      'device identity required (send a signed device identity, or authenticate with the gateway token)',
    ),
  deviceIdentityMismatch: () => deviceRefused('device identity mismatch', 'device.id must be the SHA-256 of device.publicKey'),
  devicePublicKeyInvalid: () => deviceRefused('device public key invalid', 'send the raw Ed25519 key as base64url, or as PEM'),
  deviceSignatureExpired: () =>
    deviceRefused('device signature expired', "device.signedAt must be within 10 minutes of the gateway's clock"),
  deviceNonceRequired: () => deviceRefused('device nonce required', 'sign the v2 payload with the nonce from connect.challenge'),
  deviceNonceMismatch: () => deviceRefused('device nonce mismatch', "use the nonce from this connection's connect.challenge"),
  deviceSignatureInvalid: () =>
    deviceRefused('device signature invalid', 'sign the v2 payload described in the protocol with the device key'),
};
