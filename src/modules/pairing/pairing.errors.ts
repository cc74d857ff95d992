import { ErrorCode } from '../../common/protocol';
import { invalidRequest, RpcError } from '../gateway/rpc/rpc-error';

export const PairingErrors = {
  pairingRequired: (requestId: string, deviceId: string) =>
    new RpcError(
      ErrorCode.NotPaired,
      `pairing required: approve this device on the gateway host with \`nestclaw devices approve ${requestId}\``,
      { details: { requestId, deviceId } },
    ),
  deviceTokenInvalid: () =>
    new RpcError(
      ErrorCode.InvalidRequest,
      'unauthorized: the token is neither the gateway token nor a current device token of this device (device tokens can be revoked or rotated); connect with the gateway token (gateway.remote.token) to get a new one',
      { details: { reason: 'device-token-invalid' } },
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
