import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

export function registerDoctor(program: Command): void {
  withTargetOptions(
    program
      .command('doctor')
      .description(
        'walk from this machine to the gateway (config, DNS, TCP, TLS, upgrade, auth, pairing, scopes, version) and stop at the first failure with its fix',
      )
      .option(
        '--origin <origin>',
        'also check that a browser page from this Origin may connect (e.g. https://host.tailnet.ts.net)',
      )
      .option('--scopes <list>', 'comma-separated operator scopes to ask for (default: the gateway default, operator.admin)'),
  ).action(async (options) => (await import('./doctor')).doctor(options));
}
