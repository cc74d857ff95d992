import type { MethodResult, PairingCodeRecord } from '../../common/protocol';
import { table } from '../output';
import { runGatewayCommand } from '../run-gateway-command';
import { formatAge } from './time-format';
import type { TargetOptions } from './target-options';

type PendingPairing = PairingCodeRecord;
type Approved = MethodResult<'channel.pair.approve'>;

export function list(channel: string | undefined, options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ pending: PendingPairing[] }>(options, {
    call: (client) => client.call('channel.pair.list', channel ? { channel } : {}),
    render: ({ pending }) =>
      pending.length === 0
        ? ['no pairing codes are waiting; someone who writes to the bot gets one']
        : [
            ...table([
              ['CODE', 'CHANNEL  SENDER  EXPIRES'],
              ...pending.map((p): [string, string] => [
                p.code,
                `${p.channel}  ${p.senderName ? `${p.senderName} (${p.senderId})` : p.senderId}  in ${formatAge(p.expiresAtMs - Date.now())}`,
              ]),
            ]),
            '',
            `approve one with: nestclaw pairing approve ${pending[0].channel} <code>`,
          ],
  });
}

export function approve(channel: string, code: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<Approved>(options, {
    call: (client) => client.call('channel.pair.approve', { channel, code }),
    render: (a) => [
      `approved ${a.senderName ? `${a.senderName} (${a.senderId})` : a.senderId} on ${a.channel}; their messages now reach the assistant`,
    ],
  });
}
