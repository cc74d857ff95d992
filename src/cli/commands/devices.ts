import type { GatewayClient } from '../../common/client';
import type { MethodResult, PairedDevice } from '../../common/protocol';
import { UsageError } from '../exit-codes';
import { table } from '../output';
import { runGatewayCommand } from '../run-gateway-command';
import { formatAge } from './time-format';
import type { TargetOptions } from './target-options';

type PairingList = MethodResult<'device.pair.list'>;

export function list(options: TargetOptions): Promise<void> {
  return runGatewayCommand<PairingList>(options, {
    call: (client) => client.call('device.pair.list'),
    render: (l) => renderPairingList(l),
  });
}

export function approve(requestId: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<MethodResult<'device.pair.approve'>>(options, {
    call: (client) => client.call('device.pair.approve', { requestId }),
    render: ({ device }) => [`approved ${describeDevice(device)}; it gets its device token on its next connect`],
  });
}

export function reject(requestId: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<MethodResult<'device.pair.reject'>>(options, {
    call: (client) => client.call('device.pair.reject', { requestId }),
    render: ({ deviceId }) => [`rejected the request from device ${deviceId.slice(0, 12)}`],
  });
}

export function revoke(deviceIdOrPrefix: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<MethodResult<'device.token.revoke'>>(options, {
    call: async (client) => {
      const deviceId = await resolveDeviceId(client, deviceIdOrPrefix);
      return client.call('device.token.revoke', { deviceId, unpair: true });
    },
    render: (r) => [
      `revoked device ${r.deviceId.slice(0, 12)}: ${r.tokensRevoked} token(s) invalidated, ${r.disconnected} session(s) closed; it must pair again`,
    ],
  });
}

/** Accepts a unique prefix of a paired device id, as people copy the short form from `devices list`. */
async function resolveDeviceId(client: GatewayClient, given: string): Promise<string> {
  const { paired } = await client.call('device.pair.list');
  const matches = paired.filter((d) => d.deviceId.startsWith(given.toLowerCase()));
  if (matches.length === 1) return matches[0].deviceId;
  if (matches.length === 0) throw new UsageError(`no paired device id starts with ${given}; see \`nestclaw devices list\``);
  throw new UsageError(
    `${given} matches ${matches.length} devices (${matches.map((d) => d.deviceId.slice(0, 12)).join(', ')}); give more of the id`,
  );
}

export function renderPairingList(l: PairingList, now = Date.now()): string[] {
  const lines = [`pending (${l.pending.length})`];
  lines.push(
    ...(l.pending.length === 0
      ? ['  none']
      : table(
          l.pending.map((r) => [
            r.requestId,
            `${r.displayName ?? '?'} (${r.platform ?? '?'}, ${r.role}${r.scopes.length ? ` ${r.scopes.join(',')}` : ''}) from ${r.remoteIp ?? '?'}, device ${r.deviceId.slice(0, 12)}, expires in ${formatAge(r.expiresAtMs - now)}`,
          ]),
          '  ',
        )),
  );
  lines.push(`paired (${l.paired.length})`);
  lines.push(
    ...(l.paired.length === 0
      ? ['  none']
      : table(
          l.paired.map((d) => [
            d.deviceId.slice(0, 12),
            `${describeDevice(d)}, last seen ${d.lastSeenAtMs ? `${formatAge(now - d.lastSeenAtMs)} ago` : 'never'}`,
          ]),
          '  ',
        )),
  );
  return lines;
}

function describeDevice(d: PairedDevice): string {
  return `${d.displayName ?? d.deviceId.slice(0, 12)} (${d.platform ?? '?'}; ${d.roles.join('+')}${d.scopes.length ? `; ${d.scopes.join(',')}` : ''})`;
}
