import type { GatewayClient } from '../../common/client';
import { UsageError } from '../exit-codes';
import { table } from '../output';
import { runGatewayCommand } from '../run-gateway-command';
import { formatAge } from './time-format';
import type { TargetOptions } from './target-options';

interface PendingRequest {
  requestId: string;
  deviceId: string;
  role: string;
  scopes: string[];
  displayName?: string;
  platform?: string;
  clientMode?: string;
  remoteIp?: string;
  createdAtMs: number;
  expiresAtMs: number;
}

interface PairedDevice {
  deviceId: string;
  roles: string[];
  scopes: string[];
  displayName?: string;
  platform?: string;
  clientMode?: string;
  remoteIp?: string;
  approvedAtMs: number;
  lastSeenAtMs?: number;
}

interface PairingList {
  pending: PendingRequest[];
  paired: PairedDevice[];
}

export function list(options: TargetOptions): Promise<void> {
  return runGatewayCommand<PairingList>(options, {
    call: async (client) => (await client.request('device.pair.list')) as PairingList,
    render: (l) => renderPairingList(l),
  });
}

export function approve(requestId: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ device: PairedDevice }>(options, {
    call: async (client) => (await client.request('device.pair.approve', { requestId })) as { device: PairedDevice },
    render: ({ device }) => [`approved ${describeDevice(device)}; it gets its device token on its next connect`],
  });
}

export function reject(requestId: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ deviceId: string }>(options, {
    call: async (client) => (await client.request('device.pair.reject', { requestId })) as { deviceId: string },
    render: ({ deviceId }) => [`rejected the request from device ${deviceId.slice(0, 12)}`],
  });
}

export function revoke(deviceIdOrPrefix: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ deviceId: string; tokensRevoked: number; disconnected: number }>(options, {
    call: async (client) => {
      const deviceId = await resolveDeviceId(client, deviceIdOrPrefix);
      return (await client.request('device.token.revoke', { deviceId, unpair: true })) as {
        deviceId: string;
        tokensRevoked: number;
        disconnected: number;
      };
    },
    render: (r) => [
      `revoked device ${r.deviceId.slice(0, 12)}: ${r.tokensRevoked} token(s) invalidated, ${r.disconnected} session(s) closed; it must pair again`,
    ],
  });
}

/** Accepts a unique prefix of a paired device id, as people copy the short form from `devices list`. */
async function resolveDeviceId(client: GatewayClient, given: string): Promise<string> {
  const { paired } = (await client.request('device.pair.list')) as PairingList;
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
