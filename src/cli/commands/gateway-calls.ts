import { randomUUID } from 'node:crypto';
import type { GatewayStatus, HealthSnapshot, MethodResult } from '../../common/protocol';
import { ExitCode, UsageError } from '../exit-codes';
import { table } from '../output';
import { runGatewayCommand } from '../run-gateway-command';
import type { TargetOptions } from './target-options';

/** nestclaw's health; a reference gateway's has other fields, so everything past ok and channels may be missing. */
interface HealthPayload {
  ok: boolean;
  uptimeMs?: number;
  durationMs?: number;
  channels: Record<string, { configured: boolean; running: boolean; linked?: boolean; lastError?: string }>;
  sessions?: { count?: number };
  nodes?: { connected?: number };
}

export function health(options: TargetOptions): Promise<void> {
  return runGatewayCommand<HealthSnapshot>(options, {
    call: (client) => client.call('health'),
    render: (h) => [
      `gateway ${h.ok ? 'healthy' : 'NOT healthy'}${h.uptimeMs !== undefined ? ` (up ${formatDuration(h.uptimeMs)})` : ''}`,
      ...table(
        [
          ['channels', describeChannels(h.channels)],
          ['sessions', String(h.sessions?.count ?? '?')],
          ['nodes', `${h.nodes?.connected ?? '?'} connected`],
        ],
        '  ',
      ),
    ],
  });
}

export function gatewayStatus(options: TargetOptions): Promise<void> {
  return runGatewayCommand<GatewayStatus>(options, {
    call: (client) => client.call('status'),
    render: (s) => renderGatewayStatus(s),
  });
}

export function call(method: string, options: TargetOptions & { params?: string }): Promise<void> {
  return runGatewayCommand<unknown>(options, {
    call: (client) => client.request(method, parseParams(options.params)),
    render: (payload) => [JSON.stringify(payload, null, 2)],
  });
}

export function send(
  options: TargetOptions & { to: string; message: string; channel?: string; sessionKey?: string },
): Promise<void> {
  return runGatewayCommand<MethodResult<'send'>>(options, {
    call: (client) =>
      client.call('send', {
        to: options.to,
        message: options.message,
        ...(options.channel ? { channel: options.channel } : {}),
        ...(options.sessionKey ? { sessionKey: options.sessionKey } : {}),
        idempotencyKey: randomUUID(),
      }),
    render: (sent) => [`sent to ${sent.to} on ${sent.channel} (message ${sent.messageId})`],
  });
}

export function agent(
  options: TargetOptions & { message: string; sessionKey?: string; channel?: string; to?: string; deliver?: boolean },
): Promise<void> {
  return runGatewayCommand<MethodResult<'agent'>>(options, {
    call: (client) =>
      client.call(
        'agent',
        {
          message: options.message,
          ...(options.sessionKey ? { sessionKey: options.sessionKey } : {}),
          ...(options.channel ? { channel: options.channel } : {}),
          ...(options.to ? { to: options.to } : {}),
          ...(options.deliver ? { deliver: true } : {}),
          idempotencyKey: randomUUID(),
        },
        { expectFinal: true, timeoutMs: Math.max(Number(options.timeout ?? 0), 120_000) },
      ),
    render: (payload) => [
      payload.summary ?? JSON.stringify(payload, null, 2),
      ...(payload.status === 'ok'
        ? []
        : [`agent run ${payload.status}${payload.error ? `: ${payload.error}` : ''} (run ${payload.runId})`]),
    ],
    // The gateway answered, but the run itself failed, timed out or was aborted.
    exitCode: (payload) => (payload.status === 'ok' ? ExitCode.Ok : ExitCode.GatewayError),
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a nestclaw GatewayStatus, or a reference gateway's own shape
export function renderGatewayStatus(s: Record<string, any>): string[] {
  if (typeof s.bind !== 'object' || s.bind === null) return renderForeignStatus(s);
  return [
    `nestclaw gateway ${s.version} on ${s.host}, up ${formatDuration(s.uptimeMs)}`,
    ...table(
      [
        ['bind', `${s.bind.mode} (${s.bind.hosts.join(', ')}) port ${s.bind.port}`],
        ['auth', s.auth.mode],
        ...(s.tls
          ? ([['tls', s.tls.enabled ? `on, SHA-256 ${s.tls.fingerprintSha256}` : 'off']] as Array<[string, string]>)
          : []),
        ['tailscale', s.tailscale.mode],
        ['channels', describeChannels(s.channels)],
        ['sessions', String(s.sessions.count)],
        ['nodes', `${s.nodes.connected} connected`],
        ['clients', `${s.connections.operators} operators, ${s.connections.nodes} nodes`],
        ...(s.stateDir ? ([['state', s.stateDir]] as Array<[string, string]>) : []),
      ],
      '  ',
    ),
  ];
}

/**
 * A reference (OpenClaw) gateway's status has its own shape: show its
 * top-level entries briefly rather than guess at their meaning.
 */
function renderForeignStatus(s: Record<string, unknown>): string[] {
  const brief = (value: unknown) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 100 ? `${text.slice(0, 97)}...` : text;
  };
  return [
    'gateway status (not a nestclaw gateway; its own summary follows)',
    ...table(
      Object.entries(s).map(([key, value]) => [key, brief(value)]),
      '  ',
    ),
  ];
}

function describeChannels(channels: HealthPayload['channels']): string {
  const entries = Object.entries(channels ?? {});
  if (entries.length === 0) return 'none configured';
  return entries
    .map(
      ([id, c]) =>
        `${id}: ${c.running ? 'running' : 'stopped'}${c.linked === false ? ', not linked' : ''}${c.lastError ? ` (${c.lastError})` : ''}`,
    )
    .join('; ');
}

function parseParams(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--params must be JSON, e.g. --params '{"limit":10}' (got ${JSON.stringify(text)})`);
  }
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
