import type { ChannelStatus, MethodResult } from '../../common/protocol';
import { table } from '../output';
import { runGatewayCommand } from '../run-gateway-command';
import type { TargetOptions } from './target-options';

type ChannelStatusEntry = ChannelStatus;
type ChannelsStatus = MethodResult<'channels.status'>;

export function status(options: TargetOptions & { probe?: boolean }): Promise<void> {
  return runGatewayCommand<ChannelsStatus>(
    // A probe asks the platform too, so it may take longer than a plain call.
    options.probe ? { ...options, timeout: String(Math.max(Number(options.timeout ?? 10_000), 20_000)) } : options,
    {
      call: (client) => client.call('channels.status', options.probe ? { probe: true } : {}),
      render: (s) => renderChannels(s.channels),
    },
  );
}

export function renderChannels(channels: Record<string, ChannelStatusEntry>): string[] {
  const entries = Object.entries(channels);
  if (entries.length === 0) return ['no channels in this gateway'];
  return table(entries.map(([id, c]): [string, string] => [id, describe(id, c)]));
}

function describe(id: string, c: ChannelStatusEntry): string {
  if (!c.enabled) return `disabled (set channels.${id}.enabled to use it)`;
  const parts = [c.running ? 'running' : 'not running'];
  if (c.mode) parts.push(c.mode);
  if (c.linked === true) parts.push('linked');
  if (c.linked === false) parts.push('NOT linked');
  let line = parts.join(', ');
  if (c.lastError) line += `; last error: ${c.lastError}`;
  if (c.probe) {
    line += c.probe.ok
      ? `; probe ok in ${c.probe.elapsedMs} ms as ${c.probe.account?.username ? `@${c.probe.account.username}` : (c.probe.account?.name ?? c.probe.account?.id)}`
      : `; probe FAILED: ${c.probe.error}`;
  }
  return line;
}
