import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./pairing');

export function registerPairing(program: Command): void {
  const pairing = program.command('pairing').description('let people talk to the assistant through a chat channel');
  withTargetOptions(pairing.command('list [channel]').description('pairing codes waiting for approval, with who asked')).action(
    async (channel, o) => (await impl()).list(channel, o),
  );
  withTargetOptions(
    pairing
      .command('approve <channel> <code>')
      .description('approve the sender who got this code (e.g. `nestclaw pairing approve telegram ABCD2345`)'),
  ).action(async (channel, code, o) => (await impl()).approve(channel, code, o));
}
