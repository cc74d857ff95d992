import { DeviceTokenRefusal, ErrorCode } from '../../common/protocol';
import { invalidRequest, RpcError } from '../gateway/rpc/rpc-error';

/** The reason travels in details.reason, so clients drop the token and retry with the shared secret (docs/protocol.md). */
const deviceTokenRefused = (reason: DeviceTokenRefusal, message: string) =>
  new RpcError(
    ErrorCode.InvalidRequest,
    `unauthorized: ${message}; the client should forget it and connect with the gateway token (gateway.remote.token) to get a new one`,
    { details: { reason } },
  );

export const PairingErrors = {
  pairingRequired: (requestId: string, deviceId: string) =>
    new RpcError(
      ErrorCode.NotPaired,
      `pairing required: approve this device on the gateway host with \`nestclaw devices approve ${requestId}\``,
      { details: { requestId, deviceId } },
    ),
  /** The device holds current tokens for this role, but not this one (it was rotated, or belongs elsewhere). */
  deviceTokenMismatch: () =>
    deviceTokenRefused(
      DeviceTokenRefusal.Mismatch,
      'device token mismatch: it is not a current token of this device (tokens are replaced by `nestclaw devices rotate`)',
    ),
  /** The gateway holds no token for this device and role: revoked, unpaired, or its state was reset. */
  deviceTokenRevoked: () =>
    deviceTokenRefused(
      DeviceTokenRefusal.Revoked,
      "device token revoked: this gateway holds no token for this device (revoked, unpaired, never paired here, or the gateway's state was reset)",
    ),
  requestNotFound: (requestId: string) =>
    invalidRequest(
      `no pending pairing request ${requestId}: it was resolved or expired (requests last 5 minutes); list them with \`nestclaw devices list\``,
    ),
  deviceNotPaired: (deviceId: string) =>
    invalidRequest(`device ${deviceId} is not paired; list paired devices with \`nestclaw devices list\``),
  nodeRequestNotFound: (requestId: string) =>
    invalidRequest(
      `no pending node pairing request ${requestId}: it was resolved or expired; list them with \`nestclaw nodes pending\``,
    ),
};
