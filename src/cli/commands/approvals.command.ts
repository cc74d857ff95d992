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
  registerAllowlist(approvals);
}

const allowlistImpl = () => import('./approvals-allowlist');
const NODE_OPTION = ['--node <name>', "a node's allowlist (id or display name) instead of the gateway host's"] as const;

/** `approvals allowlist`: the programs that run without asking, on the gateway host or a node (exec.approvals.*). */
function registerAllowlist(approvals: Command): void {
  const allowlist = approvals
    .command('allowlist')
    .description('programs that run without a prompt, edited over the gateway connection (the node still enforces its own)');
  withTargetOptions(
    allowlist
      .command('list')
      .description('show the allowlist')
      .option(...NODE_OPTION),
  ).action(async (o) => (await allowlistImpl()).list(o));
  withTargetOptions(
    allowlist
      .command('add <pattern>')
      .description("allow a program: an absolute path (globs *, **, ?), a ~/ path, or a bare name found on that host's PATH")
      .option(...NODE_OPTION)
      .option('--args <json>', 'only with these argument patterns, a JSON array, e.g. \'["status","**"]\' (default: any)')
      .option('--note <text>', 'why it is allowed'),
  ).action(async (pattern, o) => (await allowlistImpl()).add(pattern, o));
  withTargetOptions(
    allowlist
      .command('remove <pattern>')
      .description('remove every entry with exactly this pattern')
      .option(...NODE_OPTION),
  ).action(async (pattern, o) => (await allowlistImpl()).remove(pattern, o));
}
