import { Option, type Command } from 'commander';
import { DEFAULT_EXEC_POLICY, EXEC_POLICIES } from '../../node-host/exec-policy';

export function registerNodeRun(program: Command): void {
  const node = program.command('node').description('lend this machine to a gateway as a node');
  node
    .command('run')
    .description(
      'run the headless node host: connect as a node and serve system.run, system.which and system.notify until stopped',
    )
    .option('--url <url>', 'gateway URL (ws:// or wss://); needs --token or --password')
    .option('--token <token>', 'gateway token')
    .option('--password <password>', 'gateway password')
    .option('--tls-fingerprint <sha256>', 'accept only the gateway certificate with this SHA-256 fingerprint')
    .option('--display-name <name>', 'name shown to operators (default: the host name)')
    .addOption(
      new Option(
        '--exec <policy>',
        'which commands system.run may start: deny (none), allowlist (those in <stateDir>/exec-approvals.json), ask (those, and others once an operator approves), full (any)',
      )
        .choices(EXEC_POLICIES)
        .default(DEFAULT_EXEC_POLICY),
    )
    .option('--browser', "serve the gateway's browser routes (browser.proxy) with this machine's Chromium")
    .option('--browser-allow-url <glob...>', 'with --browser: URLs on loopback/private addresses it may open')
    .option('--json', 'print one JSON object per line for each state change')
    .action(async (options) => (await import('./node-run')).runNodeHostCommand(options));
}
