import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const impl = () => import('./nodes');

export function registerNodes(program: Command): void {
  const nodes = program.command('nodes').description('list, pair and call the devices that lend capabilities to the agent');
  withTargetOptions(nodes.command('list').description('every connected or paired node')).action(async (o) =>
    (await impl()).list(o),
  );
  withTargetOptions(nodes.command('status').description('how many nodes are connected, and which')).action(async (o) =>
    (await impl()).status(o),
  );
  withTargetOptions(nodes.command('pending').description('nodes waiting for pairing approval')).action(async (o) =>
    (await impl()).pending(o),
  );
  withTargetOptions(nodes.command('approve <requestId>').description("approve a node's pairing request")).action(async (id, o) =>
    (await impl()).approve(id, o),
  );
  withTargetOptions(nodes.command('reject <requestId>').description("reject a node's pairing request")).action(async (id, o) =>
    (await impl()).reject(id, o),
  );
  withTargetOptions(nodes.command('describe <node>').description('one node by id or name')).action(async (node, o) =>
    (await impl()).describe(node, o),
  );
  withTargetOptions(
    nodes
      .command('rename')
      .description("change a node's display name")
      .requiredOption('--node <id|name>', 'the node')
      .requiredOption('--name <name>', 'the new name'),
  ).action(async (o) => (await impl()).rename(o));
  withTargetOptions(
    nodes
      .command('invoke')
      .description('run a command on a node and print its answer')
      .requiredOption('--node <id|name>', 'the node')
      .requiredOption('--command <command>', 'e.g. system.run')
      .option('--params <json>', 'command params as JSON, e.g. \'{"command":["uptime"]}\'')
      .option('--invoke-timeout <ms>', 'how long the node may take (default 30000)'),
  ).action(async (o) => (await impl()).invoke(o));
}
