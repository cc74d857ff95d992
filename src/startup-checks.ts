import type { ResolvedConfig } from './common/config';
import type { BindResolution } from './common/net';

/**
 * Configurations the gateway refuses to start with, each message naming the
 * fix. Settings that would promise protection this build does not give yet
 * (Tailscale exposure) are refused rather than silently ignored. Problems
 * with TLS certificate files are found where they are loaded (modules/gateway/tls).
 */
export function startupRefusal(config: ResolvedConfig, bind: BindResolution): string | undefined {
  const gateway = config.gateway;
  if (!bind.ok) return bind.error;
  if (!bind.loopbackOnly && !gateway.auth.source) {
    return (
      `refusing to listen on ${bind.hosts.join(', ')} (bind "${gateway.bind}") without a configured ${gateway.auth.mode}: ` +
      'a generated token does not protect an exposed gateway. Set gateway.auth.token (or NESTCLAW_GATEWAY_TOKEN, or --token), ' +
      'or keep --bind loopback and use an SSH tunnel.'
    );
  }
  const telegram = config.channels.telegram;
  if (telegram.enabled && !telegram.botToken) {
    return 'channels.telegram.enabled is true but no bot token is set: set channels.telegram.botToken or TELEGRAM_BOT_TOKEN (from @BotFather), or disable the channel';
  }
  if (config.agent.provider === 'openai' && !config.agent.model) {
    return 'agent.provider is "openai" but agent.model is not set: set it to a model your endpoint serves (e.g. "gpt-4o-mini")';
  }
  if (gateway.tailscale.mode !== 'off') {
    return `gateway.tailscale.mode "${gateway.tailscale.mode}" is not supported by this version yet: set it to "off" and reach the gateway through an SSH tunnel`;
  }
  return undefined;
}
