import { ErrorCode } from '../../common/protocol';
import { invalidRequest, RpcError, unavailable } from '../gateway/rpc/rpc-error';

const list = (ids: readonly string[]) => (ids.length ? ids.join(', ') : 'none');

export const ChannelsErrors = {
  unknownChannel: (id: string, known: readonly string[]) =>
    invalidRequest(`unknown channel "${id}"; channels in this gateway: ${list(known)}`, {
      details: { channel: id, channels: known },
    }),
  channelDisabled: (id: string) =>
    invalidRequest(`channel "${id}" is not enabled; set channels.${id}.enabled to true in the gateway config and restart it`, {
      details: { channel: id },
    }),
  noChannelEnabled: () =>
    invalidRequest('no channel is enabled; enable one (e.g. channels.telegram.enabled with a bot token) and restart the gateway'),
  channelRequired: (ids: readonly string[]) =>
    invalidRequest(`more than one channel is enabled: pass channel (one of ${list(ids)})`, { details: { channels: ids } }),
  notLinked: (id: string, lastError: string | undefined) =>
    new RpcError(
      ErrorCode.NotLinked,
      `channel not linked: ${id} is not connected to its platform${lastError ? ` (${lastError})` : ''}; see \`nestclaw channels status --probe\``,
      {
        details: { channel: id },
        retryable: true,
      },
    ),
  invalidTarget: (id: string, to: string, why: string) =>
    invalidRequest(`invalid target "${to}" for ${id}: ${why}`, { details: { channel: id, to } }),
  sendQueued: (id: string, reason: string, retryAfterMs?: number) =>
    unavailable(
      `${id} did not accept the message yet (${reason}); it is queued and retried, call send again with the same idempotencyKey to learn the outcome`,
      {
        retryable: true,
        retryAfterMs,
      },
    ),
  sendFailed: (id: string, reason: string) =>
    invalidRequest(`${id} refused the message: ${reason}`, { details: { channel: id } }),
  unknownPairingCode: (channel: string, code: string) =>
    invalidRequest(
      `no pending pairing code ${code} for ${channel}: it was approved already or expired (codes last 1 hour); the sender gets a new one by writing again; list codes with \`nestclaw pairing list\``,
      { details: { channel, code } },
    ),
};
