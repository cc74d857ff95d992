import type { ResolvedConfig } from '../../common/config';

/** Every secret value the config holds, wherever it came from (file, environment, flag). */
export function configSecrets(config: ResolvedConfig): string[] {
  const { gateway, channels, agent } = config;
  return [
    gateway.auth.token,
    gateway.auth.password,
    gateway.remote?.token,
    gateway.remote?.password,
    channels.telegram.botToken,
    channels.telegram.webhook?.secret,
    agent.apiKey,
  ].filter((value): value is string => typeof value === 'string' && value.length > 0);
}
