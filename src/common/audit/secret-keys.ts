import type { ConfigFile } from '../config';

/**
 * Secrets the gateway can take from its environment instead of the config
 * file, with the variable to use. gateway.remote.* are left out on purpose:
 * the CLI reads them only from the file, so the file is the right place (0600).
 */
export const ENV_FOR_SECRET: ReadonlyArray<{ key: string; env: string; get(file: ConfigFile): string | undefined }> = [
  { key: 'gateway.auth.token', env: 'NESTCLAW_GATEWAY_TOKEN', get: (f) => f.gateway?.auth?.token },
  { key: 'gateway.auth.password', env: 'NESTCLAW_GATEWAY_PASSWORD', get: (f) => f.gateway?.auth?.password },
  { key: 'channels.telegram.botToken', env: 'TELEGRAM_BOT_TOKEN', get: (f) => f.channels?.telegram?.botToken },
  { key: 'agent.apiKey', env: 'OPENAI_API_KEY', get: (f) => f.agent?.apiKey },
];

/** The keys of ENV_FOR_SECRET that the config file sets. */
export function configSecretKeys(file: ConfigFile): Array<{ key: string; env: string }> {
  return ENV_FOR_SECRET.filter((entry) => entry.get(file)).map(({ key, env }) => ({ key, env }));
}

/** Whether the file holds any secret at all, including those that can only live there. */
export function configHoldsSecrets(file: ConfigFile): boolean {
  const remote = file.gateway?.remote;
  return (
    configSecretKeys(file).length > 0 || Boolean(remote?.token || remote?.password || file.channels?.telegram?.webhookSecret)
  );
}
