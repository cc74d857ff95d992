import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./approvals');

export function registerApprovals(program: Command): void {
  const approvals = program
    .command('approvals')
    .description('answer exec approval prompts: programs a node or the gateway host asks to run');
  withTargetOptions(approvals.command('list').description('prompts waiting for an answer')).action(async (o) =>
    (await impl()).list(o),
  );
  withTargetOptions(
    approvals
      .command('allow <id>')
      .description('let the program run (once, or with --always from now on on that host, with exactly these arguments)')
      .option('--always', "also add this exact command line (program and arguments) to that host's allowlist"),
  ).action(async (id, o) => (await impl()).allow(id, o));
  withTargetOptions(approvals.command('deny <id>').description('refuse the program')).action(async (id, o) =>
    (await impl()).deny(id, o),
  );
}
