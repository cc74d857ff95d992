import type { Command } from 'commander';
import { withTargetOptions } from './target-options';

const calls = () => import('./gateway-calls');

/** `nestclaw health` and the `gateway status|health|call|send|agent` commands. */
export function registerGatewayCalls(program: Command, gateway: Command): void {
  for (const parent of [program, gateway]) {
    withTargetOptions(parent.command('health').description('ask the gateway for its health snapshot')).action(async (options) =>
      (await calls()).health(options),
    );
  }
  withTargetOptions(gateway.command('status').description("the gateway's own status summary")).action(async (options) =>
    (await calls()).gatewayStatus(options),
  );
  withTargetOptions(
    gateway
      .command('call <method>')
      .description('call any gateway method and print its answer')
      .option('--params <json>', 'method params as JSON'),
  ).action(async (method, options) => (await calls()).call(method, options));
  withTargetOptions(
    gateway
      .command('send')
      .description('send a message to a chat through a channel')
      .requiredOption('--to <target>', 'recipient (e.g. a Telegram chat id)')
      .requiredOption('--message <text>', 'message text')
      .option('--channel <id>', 'channel id (e.g. telegram)')
      .option('--session-key <key>', 'session to record it in'),
  ).action(async (options) => (await calls()).send(options));
  withTargetOptions(
    gateway
      .command('agent')
      .description('run the agent on a message and print its final answer')
      .requiredOption('--message <text>', 'what to ask')
      .option('--session-key <key>', 'session to run in')
      .option('--channel <id>', 'deliver through this channel')
      .option('--to <target>', 'deliver to this recipient')
      .option('--deliver', 'send the reply to the channel as well'),
  ).action(async (options) => (await calls()).agent(options));
}
