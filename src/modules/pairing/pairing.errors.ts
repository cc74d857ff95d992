import { DomainError } from '../../common/domain-error';
import { DeviceTokenRefusal } from '../../common/protocol';

export const PairingErrorCode = {
  /** The device is known but not approved yet; the handshake closes with "pairing required". */
  PairingRequired: 'PAIRING_REQUIRED',
  DeviceTokenMismatch: 'DEVICE_TOKEN_MISMATCH',
  DeviceTokenRevoked: 'DEVICE_TOKEN_REVOKED',
  RequestNotFound: 'REQUEST_NOT_FOUND',
  DeviceNotPaired: 'DEVICE_NOT_PAIRED',
  NodeRequestNotFound: 'NODE_REQUEST_NOT_FOUND',
} as const;
export type PairingErrorCode = (typeof PairingErrorCode)[keyof typeof PairingErrorCode];

export class PairingError extends DomainError<PairingErrorCode> {}

/** The reason travels in details.reason, so clients drop the token and retry with the shared secret (docs/protocol.md). */
const deviceTokenRefused = (code: PairingErrorCode, reason: DeviceTokenRefusal, message: string) =>
  new PairingError(
    code,
    `unauthorized: ${message}; the client should forget it and connect with the gateway token (gateway.remote.token) to get a new one`,
    { details: { reason } },
  );

export const PairingErrors = {
  pairingRequired: (requestId: string, deviceId: string) =>
    new PairingError(
      PairingErrorCode.PairingRequired,
      `pairing required: approve this device on the gateway host with \`nestclaw devices approve ${requestId}\``,
      { details: { requestId, deviceId } },
    ),
  /** The device holds current tokens for this role, but not this one (it was rotated, or belongs elsewhere). */
  deviceTokenMismatch: () =>
    deviceTokenRefused(
      PairingErrorCode.DeviceTokenMismatch,
      DeviceTokenRefusal.Mismatch,
      'device token mismatch: it is not a current token of this device (tokens are replaced by `nestclaw devices rotate`)',
    ),
  /** The gateway holds no token for this device and role: revoked, unpaired, or its state was reset. */
  deviceTokenRevoked: () =>
    deviceTokenRefused(
      PairingErrorCode.DeviceTokenRevoked,
      DeviceTokenRefusal.Revoked,
      "device token revoked: this gateway holds no token for this device (revoked, unpaired, never paired here, or the gateway's state was reset)",
    ),
  requestNotFound: (requestId: string) =>
    new PairingError(
      PairingErrorCode.RequestNotFound,
      `no pending pairing request ${requestId}: it was resolved or expired (requests last 5 minutes); list them with \`nestclaw devices list\``,
    ),
  deviceNotPaired: (deviceId: string) =>
    new PairingError(
      PairingErrorCode.DeviceNotPaired,
      `device ${deviceId} is not paired; list paired devices with \`nestclaw devices list\``,
    ),
  nodeRequestNotFound: (requestId: string) =>
    new PairingError(
      PairingErrorCode.NodeRequestNotFound,
      `no pending node pairing request ${requestId}: it was resolved or expired; list them with \`nestclaw nodes pending\``,
    ),
};
