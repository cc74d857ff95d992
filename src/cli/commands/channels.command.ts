import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./channels');

export function registerChannels(program: Command): void {
  const channels = program.command('channels').description('the chat channels (Telegram) the gateway answers on');
  withTargetOptions(
    channels
      .command('status')
      .description('whether each channel is enabled, running and linked')
      .option('--probe', 'also check the credentials with the platform (Telegram: getMe)'),
  ).action(async (o) => (await impl()).status(o));
}
