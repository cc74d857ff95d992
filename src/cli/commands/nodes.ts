import { randomUUID } from 'node:crypto';
import type { GatewayClient } from '../../common/client';
import type { DevicePairingRequest, MethodResult, NodeSummary } from '../../common/protocol';
import { UsageError } from '../exit-codes';
import { table } from '../output';
import { reportFailure, runGatewayCommand } from '../run-gateway-command';
import { approve as approveDevice, reject as rejectDevice } from './devices';
import { formatAge } from './time-format';
import type { TargetOptions } from './target-options';

export function list(options: TargetOptions): Promise<void> {
  return runGatewayCommand<MethodResult<'node.list'>>(options, {
    call: (client) => client.call('node.list'),
    render: ({ nodes }) =>
      nodes.length === 0 ? ['no nodes: start one with `nestclaw node run` on another machine'] : renderNodes(nodes),
  });
}

export function status(options: TargetOptions): Promise<void> {
  return runGatewayCommand<MethodResult<'node.list'>>(options, {
    call: (client) => client.call('node.list'),
    render: ({ nodes }) => {
      const connected = nodes.filter((n) => n.connected);
      return [
        `${connected.length} connected, ${nodes.filter((n) => n.paired).length} paired`,
        ...table(
          connected.map((n) => [nameOf(n), n.platform ?? '?', n.commands.join(', ') || 'no commands']),
          '  ',
        ),
      ];
    },
  });
}

export function pending(options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ pending: DevicePairingRequest[] }>(options, {
    call: async (client) => {
      const all = await client.call('device.pair.list');
      return { pending: all.pending.filter((r) => r.role === 'node') };
    },
    render: ({ pending: requests }) =>
      requests.length === 0
        ? ['no node is waiting for approval']
        : table(
            requests.map((r) => [
              r.requestId,
              `${r.displayName ?? r.deviceId.slice(0, 12)} (${r.platform ?? '?'}) from ${r.remoteIp ?? '?'}, expires in ${formatAge(r.expiresAtMs - Date.now())}`,
            ]),
          ),
  });
}

export const approve = approveDevice;
export const reject = rejectDevice;

export function describe(node: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<NodeSummary>(options, {
    call: (client) => describeNode(client, node),
    render: (n) =>
      table([
        ['node', n.nodeId],
        ['name', n.displayName ?? '-'],
        ['platform', `${n.platform ?? '?'}${n.version ? ` ${n.version}` : ''}`],
        ['state', `${n.connected ? 'connected' : 'offline'}, ${n.paired ? 'paired' : 'not paired'}`],
        ['address', n.remoteIp ?? '-'],
        ['caps', n.caps.join(', ') || '-'],
        ['commands', n.commands.join(', ') || '-'],
        ['last seen', lastSeen(n)],
      ]),
  });
}

export function rename(options: TargetOptions & { node: string; name: string }): Promise<void> {
  return runGatewayCommand<{ nodeId: string; displayName: string }>(options, {
    call: async (client) => {
      const { nodeId } = await describeNode(client, options.node);
      await client.call('node.rename', { nodeId, displayName: options.name });
      return { nodeId, displayName: options.name };
    },
    render: (r) => [`renamed ${r.nodeId.slice(0, 12)} to ${r.displayName}`],
  });
}

export async function invoke(
  options: TargetOptions & { node: string; command: string; params?: string; invokeTimeout?: string },
): Promise<void> {
  let params: unknown;
  let timeoutMs: number | undefined;
  try {
    params = parseJson(options.params);
    timeoutMs = parseInvokeTimeout(options.invokeTimeout);
  } catch (error) {
    return reportFailure(error, undefined, options.json);
  }
  return runGatewayCommand<MethodResult<'node.invoke'>>(
    // The request itself must outlive the node's own timeout.
    { ...options, timeout: String(Math.max(Number(options.timeout ?? 10_000), (timeoutMs ?? 30_000) + 5_000)) },
    {
      call: async (client) => {
        const { nodeId } = await describeNode(client, options.node);
        return client.call('node.invoke', {
          nodeId,
          command: options.command,
          ...(params === undefined ? {} : { params }),
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          idempotencyKey: randomUUID(),
        });
      },
      render: (r) => renderInvokeResult(r.payload),
    },
  );
}

function describeNode(client: GatewayClient, node: string): Promise<NodeSummary> {
  return client.call('node.describe', { nodeId: node });
}

/** system.run answers get the shape a terminal user expects; anything else prints as JSON. */
function renderInvokeResult(payload: unknown): string[] {
  const run = payload as { exitCode?: number; stdout?: string; stderr?: string; timedOut?: boolean };
  if (run && typeof run.exitCode === 'number' && typeof run.stdout === 'string') {
    const lines = [run.stdout.replace(/\n$/, '')];
    if (run.stderr) lines.push(`stderr: ${run.stderr.replace(/\n$/, '')}`);
    lines.push(`exit code ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}`);
    return lines;
  }
  return [JSON.stringify(payload, null, 2)];
}

function renderNodes(nodes: NodeSummary[]): string[] {
  return table([
    ['NAME', 'ID', 'PLATFORM', 'STATE', 'COMMANDS', 'ADDRESS', 'LAST SEEN'],
    ...nodes.map((n) => [
      nameOf(n),
      n.nodeId.slice(0, 12),
      n.platform ?? '?',
      `${n.connected ? 'connected' : 'offline'}/${n.paired ? 'paired' : 'unpaired'}`,
      n.commands.join(',') || '-',
      n.remoteIp ?? '-',
      lastSeen(n),
    ]),
  ]);
}

function nameOf(n: NodeSummary): string {
  return n.displayName ?? n.nodeId.slice(0, 12);
}

function lastSeen(n: NodeSummary): string {
  if (n.connected) return 'now';
  return n.lastSeenAtMs ? `${formatAge(Date.now() - n.lastSeenAtMs)} ago` : '-';
}

function parseInvokeTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError(`--invoke-timeout must be a positive number of milliseconds (got ${JSON.stringify(value)})`);
  return ms;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--params must be JSON, e.g. --params '{"command":["uptime"]}' (got ${JSON.stringify(text)})`);
  }
}
