import type { Command } from 'commander';

export function registerOnboard(program: Command): void {
  program
    .command('onboard')
    .description('first-run setup: write the config (secrets into <stateDir>/gateway.env), then run the security audit')
    .option('--non-interactive', 'take every answer from the flags below instead of asking')
    .option('--force', 'replace an existing config file (a backup is kept next to it)')
    .option('--mode <mode>', 'local (the gateway runs here) | remote (this CLI talks to a gateway elsewhere)')
    .option('--port <port>', 'gateway port (default 18789)')
    .option('--bind <mode>', 'loopback (default) | lan | tailnet | auto | custom')
    .option('--custom-bind-host <ip>', 'the address for --bind custom')
    .option('--tailscale <mode>', 'off (default) | serve (tailnet-only HTTPS) | funnel (public HTTPS, needs --auth password)')
    .option('--auth <mode>', 'token (default) | password')
    .option('--generate-token', 'generate a random 32-byte gateway token')
    .option('--token <token>', 'use this gateway token (visible in the process list; prefer --generate-token)')
    .option('--password <password>', 'gateway password for --auth password')
    .option('--telegram-token <token>', 'enable Telegram with this bot token from @BotFather')
    .option('--dm-policy <policy>', 'who may message the bot: pairing (default) | allowlist | open | disabled')
    .option('--allow-from <ids>', 'Telegram user ids for --dm-policy allowlist, comma-separated')
    .option('--provider <provider>', 'builtin (default) | openai')
    .option('--model <model>', 'model name for --provider openai')
    .option('--base-url <url>', 'OpenAI-compatible endpoint (default api.openai.com)')
    .option('--api-key <key>', 'API key for --provider openai')
    .option('--remote-url <url>', 'with --mode remote: the gateway URL (ws:// or wss://)')
    .option('--remote-token <token>', 'with --mode remote: the gateway token')
    .action(async (options) => (await import('./onboard')).onboardCommand(options));
}
