import { UsageError } from '../exit-codes';
import { table } from '../output';
import { reportFailure, runGatewayCommand } from '../run-gateway-command';
import { formatAge } from './time-format';
import type { TargetOptions } from './target-options';

interface SessionRow {
  sessionKey: string;
  channel: string;
  displayName?: string;
  label?: string;
  model?: string;
  messageCount: number;
  lastMessageAtMs?: number;
  createdAtMs: number;
}

interface Preview {
  key: string;
  status: 'ok' | 'empty' | 'missing' | 'error';
  items: Array<{ role: string; text: string }>;
}

interface Entry {
  sessionKey: string;
  label?: string;
  model?: string;
  generation: number;
}

export function list(options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ sessions: SessionRow[] }>(options, {
    call: async (client) => (await client.request('sessions.list')) as { sessions: SessionRow[] },
    render: ({ sessions }) => (sessions.length === 0 ? ['no sessions yet'] : table(sessions.map(row))),
  });
}

function row(s: SessionRow): [string, string] {
  const parts = [`${s.messageCount} messages`];
  if (s.lastMessageAtMs) parts.push(`last ${formatAge(Date.now() - s.lastMessageAtMs)} ago`);
  if (s.label) parts.push(`"${s.label}"`);
  else if (s.displayName) parts.push(s.displayName);
  if (s.model) parts.push(`model ${s.model}`);
  return [s.sessionKey, parts.join(', ')];
}

export function preview(keys: string[], options: TargetOptions & { limit?: string }): Promise<void> {
  return runGatewayCommand<{ previews: Preview[] }>(options, {
    call: async (client) =>
      (await client.request('sessions.preview', { keys, limit: Number(options.limit ?? 6) || 6 })) as { previews: Preview[] },
    render: ({ previews }) =>
      previews.flatMap((p) => [
        `${p.key}: ${p.status === 'ok' ? `${p.items.length} turns` : p.status}`,
        ...p.items.map((i) => `  ${i.role.padEnd(9)} ${i.text}`),
      ]),
  });
}

export function patch(
  key: string,
  options: TargetOptions & { label?: string; model?: string; clearLabel?: boolean; clearModel?: boolean },
): Promise<void> {
  const params: Record<string, unknown> = { key };
  if (options.label !== undefined) params.label = options.label;
  if (options.model !== undefined) params.model = options.model;
  if (options.clearLabel) params.label = null;
  if (options.clearModel) params.model = null;
  if (Object.keys(params).length === 1) {
    reportFailure(
      new UsageError('say what to change: --label, --model, --clear-label or --clear-model'),
      undefined,
      options.json,
    );
    return Promise.resolve();
  }
  return runGatewayCommand<{ entry: Entry }>(options, {
    call: async (client) => (await client.request('sessions.patch', params)) as { entry: Entry },
    render: ({ entry }) => [
      `${entry.sessionKey}: label ${entry.label ? `"${entry.label}"` : '(none)'}, model ${entry.model ?? '(agent.model)'}`,
    ],
  });
}

export function reset(key: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ entry: Entry }>(options, {
    call: async (client) => (await client.request('sessions.reset', { key })) as { entry: Entry },
    render: ({ entry }) => [`${entry.sessionKey} starts over (transcript ${entry.generation})`],
  });
}

export function remove(key: string, options: TargetOptions): Promise<void> {
  return runGatewayCommand<{ key: string; deleted: boolean }>(options, {
    call: async (client) => (await client.request('sessions.delete', { key })) as { key: string; deleted: boolean },
    render: (r) => [r.deleted ? `deleted ${r.key} and its transcript` : `no session ${r.key}; nothing deleted`],
  });
}
