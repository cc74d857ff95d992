import { DomainError } from '../../common/domain-error';

export const ChannelsErrorCode = {
  UnknownChannel: 'UNKNOWN_CHANNEL',
  ChannelDisabled: 'CHANNEL_DISABLED',
  NoChannelEnabled: 'NO_CHANNEL_ENABLED',
  ChannelRequired: 'CHANNEL_REQUIRED',
  /** The channel is not connected to its platform right now. */
  NotLinked: 'NOT_LINKED',
  InvalidTarget: 'INVALID_TARGET',
  /** The message is in the outbox, waiting for a retry. */
  SendQueued: 'SEND_QUEUED',
  /** The platform refused the message for good. */
  SendFailed: 'SEND_FAILED',
  UnknownPairingCode: 'UNKNOWN_PAIRING_CODE',
} as const;
export type ChannelsErrorCode = (typeof ChannelsErrorCode)[keyof typeof ChannelsErrorCode];

export class ChannelsError extends DomainError<ChannelsErrorCode> {}

const list = (ids: readonly string[]) => (ids.length ? ids.join(', ') : 'none');

export const ChannelsErrors = {
  unknownChannel: (id: string, known: readonly string[]) =>
    new ChannelsError(ChannelsErrorCode.UnknownChannel, `unknown channel "${id}"; channels in this gateway: ${list(known)}`, {
      details: { channel: id, channels: known },
    }),
  channelDisabled: (id: string) =>
    new ChannelsError(
      ChannelsErrorCode.ChannelDisabled,
      `channel "${id}" is not enabled; set channels.${id}.enabled to true in the gateway config and restart it`,
      { details: { channel: id } },
    ),
  noChannelEnabled: () =>
    new ChannelsError(
      ChannelsErrorCode.NoChannelEnabled,
      'no channel is enabled; enable one (e.g. channels.telegram.enabled with a bot token) and restart the gateway',
    ),
  channelRequired: (ids: readonly string[]) =>
    new ChannelsError(ChannelsErrorCode.ChannelRequired, `more than one channel is enabled: pass channel (one of ${list(ids)})`, {
      details: { channels: ids },
    }),
  notLinked: (id: string, lastError: string | undefined) =>
    new ChannelsError(
      ChannelsErrorCode.NotLinked,
      `channel not linked: ${id} is not connected to its platform${lastError ? ` (${lastError})` : ''}; see \`nestclaw channels status --probe\``,
      { details: { channel: id } },
    ),
  invalidTarget: (id: string, to: string, why: string) =>
    new ChannelsError(ChannelsErrorCode.InvalidTarget, `invalid target "${to}" for ${id}: ${why}`, {
      details: { channel: id, to },
    }),
  sendQueued: (id: string, reason: string, retryAfterMs?: number) =>
    new ChannelsError(
      ChannelsErrorCode.SendQueued,
      `${id} did not accept the message yet (${reason}); it is queued and retried, call send again with the same idempotencyKey to learn the outcome`,
      { retryAfterMs },
    ),
  sendFailed: (id: string, reason: string) =>
    new ChannelsError(ChannelsErrorCode.SendFailed, `${id} refused the message: ${reason}`, { details: { channel: id } }),
  unknownPairingCode: (channel: string, code: string) =>
    new ChannelsError(
      ChannelsErrorCode.UnknownPairingCode,
      `no pending pairing code ${code} for ${channel}: it was approved already or expired (codes last 1 hour); the sender gets a new one by writing again; list codes with \`nestclaw pairing list\``,
      { details: { channel, code } },
    ),
};
