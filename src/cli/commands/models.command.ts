import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./models');

export function registerModels(program: Command): void {
  const models = program.command('models').description("the models the gateway's model endpoint offers");
  withTargetOptions(
    models
      .command('list')
      .description('models from agent.baseUrl (cached by the gateway for 5 minutes)')
      .option('--refresh', 'ask the endpoint again now'),
  ).action(async (o) => (await impl()).list(o));
}
