import type { Command } from 'commander';

export function registerTunnel(program: Command): void {
  const tunnel = program.command('tunnel').description('reach a gateway on another host through a managed tunnel');

  tunnel
    .command('ssh')
    .description('forward a local port to the gateway on another host over ssh, restarting ssh whenever it dies')
    .argument('[target]', 'user@host or user@host:port (default: gateway.remote.sshTarget)')
    .option('-i, --identity <path>', "private key to log in with (default: gateway.remote.sshIdentity, else ssh's usual keys)")
    .option('--local-port <port>', 'port to listen on at 127.0.0.1 here (default: 18789)')
    .option('--remote-port <port>', 'port the gateway listens on at the remote host (default: gateway.port or 18789)')
    .option('-o, --ssh-option <Key=Value>', 'extra ssh option, repeatable (e.g. StrictHostKeyChecking=accept-new)', collect)
    .option('--json', 'print one JSON object per state change')
    .action(async (target: string | undefined, options) => (await import('./tunnel')).runTunnelSshCommand(target, options));
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
