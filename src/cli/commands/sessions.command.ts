import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./sessions');

export function registerSessions(program: Command): void {
  const sessions = program.command('sessions').description('the conversations the gateway keeps');
  withTargetOptions(sessions.command('list').description('sessions, newest first, with label and model')).action(async (o) =>
    (await impl()).list(o),
  );
  withTargetOptions(
    sessions
      .command('preview <key...>')
      .description('the newest turns of one or more sessions')
      .option('--limit <turns>', 'turns per session', '6'),
  ).action(async (keys, o) => (await impl()).preview(keys, o));
  withTargetOptions(
    sessions
      .command('patch <key>')
      .description("set a session's label or model (see `nestclaw models list`)")
      .option('--label <text>', 'a name for the session')
      .option('--model <id>', 'the model its runs use instead of agent.model')
      .option('--clear-label', 'remove the label')
      .option('--clear-model', 'go back to agent.model'),
  ).action(async (key, o) => (await impl()).patch(key, o));
  withTargetOptions(
    sessions.command('reset <key>').description('start the conversation over (the old turns stay on disk, unused)'),
  ).action(async (key, o) => (await impl()).reset(key, o));
  withTargetOptions(sessions.command('delete <key>').description('delete a session and its whole transcript')).action(
    async (key, o) => (await impl()).remove(key, o),
  );
}
