import type { Command } from 'commander';
import { withTargetOptions } from './target-options';
import { collect } from './tunnel.command';

export function registerGatewayProbe(gateway: Command): void {
  withTargetOptions(
    gateway
      .command('probe')
      .description('try every gateway reachable from here: --url, gateway.remote.url, SSH, loopback')
      .option('--ssh <user@host[:port]>', 'also probe through a temporary SSH tunnel (default: gateway.remote.sshTarget)')
      .option('--ssh-identity <path>', 'SSH private key for --ssh (default: gateway.remote.sshIdentity)')
      .option(
        '--ssh-option <Key=Value>',
        'extra ssh option for --ssh, repeatable (e.g. StrictHostKeyChecking=accept-new)',
        collect,
      ),
  ).action(async (options) => (await import('./gateway-probe')).probe(options));
}
