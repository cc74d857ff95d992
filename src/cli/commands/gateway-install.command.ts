import { Command, Option } from 'commander';

/** `gateway install|uninstall|restart|stop`: the systemd unit for an always-on gateway. */
export function registerGatewayService(gateway: Command): void {
  const scopes = (command: Command, defaultNote: string) =>
    command
      .addOption(new Option('--user', `a user unit in ~/.config/systemd/user${defaultNote}`).conflicts('system'))
      .addOption(new Option('--system', 'a system unit in /etc/systemd/system (needs root)').conflicts('user'));

  scopes(
    gateway
      .command('install')
      .description('write a systemd unit that runs `nestclaw gateway run` and print the command that enables it'),
    ' (default)',
  )
    .option('--dry-run', 'print the unit and the paths without writing anything')
    .option('--force', 'replace an existing unit that differs')
    .option('--service-user <name>', 'with --system: the user the gateway runs as', 'nestclaw')
    .action(async (options) => (await import('./gateway-install')).installCommand(options));

  scopes(
    gateway.command('uninstall').description('remove the systemd unit (the secrets file and state stay)'),
    ' (default: whichever exists)',
  ).action(async (options) => (await import('./gateway-install')).uninstallCommand(options));

  for (const action of ['restart', 'stop'] as const) {
    scopes(gateway.command(action).description(`${action} the gateway's systemd service`), ' (default: whichever exists)').action(
      async (options) => (await import('./gateway-install')).systemctlCommandFor(action, options),
    );
  }
}
