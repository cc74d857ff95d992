import { Option, type Command } from 'commander';
import { DEFAULT_EXEC_POLICY, EXEC_POLICIES } from '../../node-host/exec-policy-names';

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
    .option(
      '--no-remote-policy',
      'refuse allowlist edits from the gateway (exec.approvals.node.set); exec-approvals.json is then edited on this machine only',
    )
    .option('--browser', "serve the gateway's browser routes (browser.proxy) with this machine's Chromium")
    .option('--browser-allow-url <glob...>', 'with --browser: URLs on loopback/private addresses it may open')
    .option('--json', 'print one JSON object per line for each state change')
    .action(async (options) => (await import('./node-run')).runNodeHostCommand(options));

  node
    .command('install')
    .description(
      'write a systemd user unit that runs `nestclaw node run` always (the URL and secret go to <stateDir>/node.env, mode 0600)',
    )
    .option('--url <url>', 'gateway URL (ws:// or wss://); needed the first time, with --token or --password')
    .option('--token <token>', 'gateway token')
    .option('--password <password>', 'gateway password')
    .option('--tls-fingerprint <sha256>', 'accept only the gateway certificate with this SHA-256 fingerprint')
    .option('--display-name <name>', 'name shown to operators (default: the host name)')
    .addOption(
      new Option('--exec <policy>', 'the exec policy of the installed node host')
        .choices(EXEC_POLICIES)
        .default(DEFAULT_EXEC_POLICY),
    )
    .option('--no-remote-policy', 'the installed node host refuses allowlist edits from the gateway')
    .option('--browser', "the installed node host serves the gateway's browser routes with this machine's Chromium")
    .option('--browser-allow-url <glob...>', 'with --browser: URLs on loopback/private addresses it may open')
    .option('--dry-run', 'print the unit without writing anything')
    .option('--force', 'replace an existing unit that differs')
    .action(async (options) => (await import('./node-install')).nodeInstallCommand(options));

  node
    .command('uninstall')
    .description('remove the node host systemd user unit (its env file, identity and allowlist stay)')
    .action(async () => (await import('./node-install')).nodeUninstallCommand());

  node
    .command('allow')
    .description(
      "allow a program in this machine's exec-approvals.json (read by `node run --exec allowlist|ask`); arguments after -- are allowed exactly",
    )
    .argument('<program>', 'absolute path, or a bare name looked up on PATH')
    .argument('[args...]', 'the exact arguments to allow; put them after --, e.g. nestclaw node allow /usr/bin/git -- status -s')
    .option('--any-args', 'allow the program with any arguments')
    .option('--note <text>', 'a note kept with the entry')
    .option('--json', 'print the result as JSON')
    .action(async (program: string, args: string[], options) =>
      (await import('./node-allow')).runNodeAllow(program, args, options),
    );
}
