import { findBrowserExecutable } from './common/browser/find-browser';
import type { ResolvedConfig } from './common/config';
import type { BindResolution } from './common/net';

/**
 * The shortest secret an exposed gateway (a non-loopback bind, or Funnel)
 * accepts: long enough that guessing it through the auth rate limiter is
 * hopeless. `security audit` asks for more (24 for a token) and for variety;
 * this floor only refuses what is plainly a placeholder ("abc", "changeme").
 */
export const MIN_EXPOSED_SECRET_LENGTH = 16;

/**
 * Configurations the gateway refuses to start with, each message naming the
 * fix. Problems with TLS certificate files are found where they are loaded
 * (modules/gateway/tls).
 */
export function startupRefusal(config: ResolvedConfig, bind: BindResolution): string | undefined {
  const gateway = config.gateway;
  if (!bind.ok) return bind.error;
  const tailscale = tailscaleRefusal(config, bind);
  if (tailscale) return tailscale;
  if (!bind.loopbackOnly && !gateway.auth.source) {
    return (
      `refusing to listen on ${bind.hosts.join(', ')} (bind "${gateway.bind}") without a configured ${gateway.auth.mode}: ` +
      'a generated token does not protect an exposed gateway. Set gateway.auth.token (or NESTCLAW_GATEWAY_TOKEN, or --token), ' +
      'or keep --bind loopback and use an SSH tunnel.'
    );
  }
  const exposed = !bind.loopbackOnly || gateway.tailscale.mode === 'funnel';
  const secret = gateway.auth.mode === 'token' ? gateway.auth.token : gateway.auth.password;
  if (exposed && gateway.auth.source && secret !== undefined && secret.length < MIN_EXPOSED_SECRET_LENGTH) {
    return (
      `refusing to expose the gateway (${bind.loopbackOnly ? 'Tailscale Funnel' : `bind "${gateway.bind}"`}) with a ${gateway.auth.mode} of ` +
      `${secret.length} characters (from ${secretOrigin(gateway.auth.source, gateway.auth.mode)}): an exposed gateway needs at least ${MIN_EXPOSED_SECRET_LENGTH}. ` +
      'Generate one with `openssl rand -hex 32` and put it in gateway.env as NESTCLAW_GATEWAY_' +
      `${gateway.auth.mode === 'token' ? 'TOKEN' : 'PASSWORD'}, or keep --bind loopback and use an SSH tunnel.`
    );
  }
  const telegram = config.channels.telegram;
  if (telegram.enabled && !telegram.botToken) {
    return 'channels.telegram.enabled is true but no bot token is set: set channels.telegram.botToken or TELEGRAM_BOT_TOKEN (from @BotFather), or disable the channel';
  }
  const browser = config.tools.browser;
  if (browser.enabled && !browser.node && !findBrowserExecutable(browser.executablePath)) {
    return browser.executablePath
      ? 'tools.browser.executablePath does not name an executable file: point it at Chromium or Chrome, or remove it to use the one on PATH'
      : 'tools.browser.enabled is true but no Chromium or Chrome is on PATH: install it (Debian: apt-get install chromium; ' +
          'Ubuntu: apt-get install chromium-browser), set tools.browser.executablePath, or set tools.browser.node to use a browser node';
  }
  if (config.agent.provider === 'openai' && !config.agent.model) {
    return 'agent.provider is "openai" but agent.model is not set: set it to a model your endpoint serves (e.g. "gpt-4o-mini")';
  }
  return undefined;
}

/**
 * Serve and Funnel proxy to the loopback port and must be the only way in;
 * Funnel is public, so only a password stands between the internet and the gateway.
 * Checked before the generic bind rule so the message names the Tailscale fix.
 */
function tailscaleRefusal(config: ResolvedConfig, bind: Extract<BindResolution, { ok: true }>): string | undefined {
  const { tailscale, auth } = config.gateway;
  if (tailscale.mode === 'off') return undefined;
  if (!bind.loopbackOnly) {
    return (
      `gateway.tailscale.mode "${tailscale.mode}" needs a loopback bind, but gateway.bind is "${config.gateway.bind}" (${bind.hosts.join(', ')}): ` +
      `Tailscale ${tailscale.mode === 'serve' ? 'Serve' : 'Funnel'} forwards to 127.0.0.1 and must be the only way in. ` +
      'Set gateway.bind to "loopback" (or pass --bind loopback), or set gateway.tailscale.mode to "off"'
    );
  }
  if (tailscale.mode === 'funnel' && auth.mode !== 'password') {
    return (
      'gateway.tailscale.mode "funnel" publishes the gateway on the public internet and requires password auth: ' +
      'set gateway.auth.mode to "password" with a long gateway.auth.password (or NESTCLAW_GATEWAY_PASSWORD, or --auth password --password ...), ' +
      'or use "serve" to stay inside your tailnet'
    );
  }
  return undefined;
}

function secretOrigin(source: string, mode: 'token' | 'password'): string {
  if (source === 'flag') return `--${mode}`;
  if (source.startsWith('env:')) return source.slice(4);
  return `gateway.auth.${mode}`;
}
