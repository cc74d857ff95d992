import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./config');

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description("read and change the gateway's config over its port (secrets redacted; needs operator.admin)");
  withTargetOptions(
    config
      .command('get')
      .description('the config file (secrets redacted), its hash and pending restarts')
      .argument('[key]', 'a dotted key, e.g. channels.telegram.dmPolicy'),
  ).action(async (key: string | undefined, o) => (await impl()).get(key, o));
  withTargetOptions(
    config
      .command('set')
      .description('set one key; the value is JSON5 (true, 3, ["a"]) or else taken as text')
      .argument('<key>', 'a dotted key, e.g. channels.telegram.dmPolicy')
      .argument('<value>', 'the new value; null removes the key')
      .option('--restart', 'restart the gateway in place if the key needs it (port, bind, TLS, ...)'),
  ).action(async (key: string, value: string, o) => (await impl()).set(key, value, o));
  withTargetOptions(
    config
      .command('patch')
      .description('apply a JSON merge patch (JSON5), e.g. \'{ agent: { model: "gpt-4o" } }\'')
      .argument('<patch>', 'the patch; null removes a key')
      .option('--restart', 'restart the gateway in place if a changed key needs it'),
  ).action(async (patch: string, o) => (await impl()).patch(patch, o));
  withTargetOptions(
    config
      .command('schema')
      .description('the JSON Schema of the config file, with descriptions')
      .argument('[key]', 'only this dotted key'),
  ).action(async (key: string | undefined, o) => (await impl()).schema(key, o));
}
