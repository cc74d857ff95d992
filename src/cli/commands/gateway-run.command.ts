import type { Command } from 'commander';

export function registerGatewayRun(gateway: Command): void {
  gateway
    .command('run')
    .alias('start')
    .description('run the gateway in the foreground (ws + http on one port)')
    .option('--port <port>', 'port to listen on (default: gateway.port or 18789)')
    .option('--bind <mode>', 'loopback | lan | tailnet | auto | custom')
    .option('--auth <mode>', 'token | password')
    .option('--token <token>', 'shared token clients must present')
    .option('--password <password>', 'shared password clients must present (with --auth password)')
    .option('--tailscale <mode>', 'off | serve (tailnet-only HTTPS) | funnel (public HTTPS, needs --auth password)')
    .option('--tailscale-reset-on-exit', 'undo the tailscale serve/funnel setup when the gateway stops')
    .option('--verbose', 'log debug detail')
    .option('--log-format <format>', 'text | json (one JSON object a line); default gateway.logging.format or text')
    .action(async (options) => (await import('./gateway-run')).runGatewayCommand(options));
}
