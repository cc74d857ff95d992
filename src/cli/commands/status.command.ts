import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

export function registerStatus(program: Command): void {
  withTargetOptions(
    program
      .command('status')
      .description('show the local configuration and which gateway commands will reach')
      .option('--deep', 'also ask the gateway for its status, channels and nodes'),
  ).action(async (options) => (await import('./status')).status(options));
}
