import { runGatewayCommand } from '../run-gateway-command';
import type { TargetOptions } from './target-options';

interface ModelChoice {
  id: string;
  name: string;
  provider: string;
}

export function list(options: TargetOptions & { refresh?: boolean }): Promise<void> {
  return runGatewayCommand<{ models: ModelChoice[] }>(options, {
    call: async (client) =>
      (await client.request('models.list', options.refresh ? { refresh: true } : {})) as { models: ModelChoice[] },
    render: ({ models }) =>
      models.length === 0
        ? ['no models: agent.provider is "builtin", or the endpoint lists none']
        : models.map((m) => `${m.id}  (${m.provider})`),
  });
}
