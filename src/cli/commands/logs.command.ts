import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./logs');

export function registerLogs(program: Command): void {
  withTargetOptions(
    program
      .command('logs')
      .description("the gateway's log, read over its port (secrets are redacted by the gateway)")
      .option('-f, --follow', 'keep printing new lines until Ctrl-C')
      .option('--since <when>', 'only lines from this long ago (30s, 10m, 2h, 1d) or since this date/time')
      .option('--limit <lines>', 'how many of the newest lines to start with (1-5000)', '200')
      .option('--interval <ms>', 'with --follow: how often to ask for new lines', '1000'),
  ).action(async (o) => (await impl()).logs(o));
}
